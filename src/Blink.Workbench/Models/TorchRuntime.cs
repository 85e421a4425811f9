using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Blink.Workbench.Models;

/// <summary>
/// Process-wide settings of the native libtorch runtime that must be in place before its first kernel runs.
/// <para>
/// <b>oneDNN's AVX/AVX2/AVX-512 convolutions are capped at SSE4.1.</b> libtorch 2.10's oneDNN 3.7.1 computed wrong
/// float32 convolutions whenever a channel count is not a multiple of the SIMD block (8 for AVX/AVX2, 16 for
/// AVX-512): on the project's AMD EPYC build machines (AVX-512) a 3×3 convolution with 12 or 24 channels was off by
/// up to 2.7 in the forward pass and gave NaN or non-repeatable input gradients, even with one thread; float64 and
/// SSE4.1 kernels agreed with an unfold + matmul reference to 1e-5. TokenSR's 3×3 convolution has a configurable
/// width, so the project runs every convolution on the kernels that are correct. The cost is small: the model's
/// matmuls run in MKL, which this does not touch, and convolutions are one patch embedding per image and TokenSR's
/// three small layers. A user who sets <c>ONEDNN_MAX_CPU_ISA</c> keeps their value.
/// <c>tests/…/Models/ConvolutionKernelTests</c> checks the kernels against the reference.
/// </para>
/// </summary>
public static class TorchRuntime
{
    public const string IsaVariable = "ONEDNN_MAX_CPU_ISA";
    public const string DefaultIsa = "SSE41";

    /// <summary>Runs when the library is first used, before any of its code can call into libtorch.</summary>
#pragma warning disable CA2255 // a library-level initializer is the point: the setting must precede the first kernel
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => EnsureConfigured();

    /// <summary>Idempotent; call it first where TorchSharp may be used before any workbench type (e.g. tests).</summary>
    public static void EnsureConfigured()
    {
        if (OperatingSystem.IsWindows()) return;
        // oneDNN reads the variable with getenv() when it first dispatches a kernel; .NET's own environment copy is
        // not visible to native code, so it goes through libc.
        if (Environment.GetEnvironmentVariable(IsaVariable) is null)
        {
            _ = SetEnv(IsaVariable, DefaultIsa, overwrite: 0);
            Environment.SetEnvironmentVariable(IsaVariable, DefaultIsa);
        }
    }

    /// <summary>The oneDNN instruction-set cap in force (recorded in run metadata).</summary>
    public static string ConvolutionIsa => Environment.GetEnvironmentVariable(IsaVariable) ?? "native";

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);
}
