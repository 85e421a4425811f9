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

    /// <summary>
    /// OpenMP threads sleep when idle instead of spinning: under other load, spinning workers of a 2-thread pool took
    /// the main job from minutes to many minutes (docs/performance.md). libgomp reads it when libtorch loads.
    /// </summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>Models up to this hidden size run on one thread by default (their kernels are too small to split).</summary>
    public const int SmallModelHiddenSize = 1024;

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
        SetDefault(IsaVariable, DefaultIsa);
        SetDefault(WaitPolicyVariable, "PASSIVE");
    }

    /// <summary>
    /// The automatic intra-op thread count for a model folder: one thread for small models (the embedded one is 256
    /// wide: its matmuls are too small for a second thread to pay), every core for larger ones or when unknown.
    /// </summary>
    public static int DefaultThreads(string? modelDirectory)
    {
        var hidden = HiddenSizeOf(modelDirectory);
        return hidden is > 0 and <= SmallModelHiddenSize ? 1 : Environment.ProcessorCount;
    }

    private static int? HiddenSizeOf(string? modelDirectory)
    {
        var config = modelDirectory is null ? null : Path.Combine(modelDirectory, "config.json");
        if (config is null || !File.Exists(config)) return null;
        try
        {
            return LlavaConfig.FromFile(config).TextConfig.HiddenSize;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or System.Text.Json.JsonException)
        {
            return null; // the command's own loading reports a broken config with its file name
        }
    }

    private static void SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null) return;
        _ = SetEnv(name, value, overwrite: 0);
        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>The oneDNN instruction-set cap in force (recorded in run metadata).</summary>
    public static string ConvolutionIsa => Environment.GetEnvironmentVariable(IsaVariable) ?? "native";

    /// <summary>
    /// Turns off libtorch's NNPACK convolutions. Where NNPACK cannot initialise ("Unsupported hardware", as on the
    /// project's AMD EPYC machines) libtorch never uses it but logs a warning at every eligible convolution: 418 lines
    /// in a one-minute study. No setting or variable of TorchSharp 0.107 reaches the flag, so this calls libtorch's
    /// exported <c>at::globalContext().setUserEnabledNNPACK(false)</c>. Results do not change (NNPACK was never used
    /// here; elsewhere oneDNN computes the same convolutions). Call it after TorchSharp has loaded libtorch.
    /// </summary>
    public static void DisableNNPack()
    {
        if (_nnpackDisabled || !OperatingSystem.IsLinux()) return;
        _nnpackDisabled = true;
        // Only the libtorch TorchSharp already loaded (RTLD_NOLOAD): a second copy in the process would be unsafe.
        var torch = DlOpen("libtorch_cpu.so", RtldNow | RtldNoLoad);
        if (torch == IntPtr.Zero) return;
        var context = DlSym(torch, "_ZN2at13globalContextEv");
        var set = DlSym(torch, "_ZN2at7Context20setUserEnabledNNPACKEb");
        if (context == IntPtr.Zero || set == IntPtr.Zero) return; // another libtorch build: the warning may show, nothing else changes
        var ctx = Marshal.GetDelegateForFunctionPointer<GlobalContextFn>(context)();
        Marshal.GetDelegateForFunctionPointer<SetFlagFn>(set)(ctx, false);
    }

    /// <summary>Whether libtorch will consider NNPACK for convolutions (false once <see cref="DisableNNPack"/> ran); null when unknown.</summary>
    public static bool? NNPackEnabled()
    {
        var torch = OperatingSystem.IsLinux() ? DlOpen("libtorch_cpu.so", RtldNow | RtldNoLoad) : IntPtr.Zero;
        var context = torch == IntPtr.Zero ? IntPtr.Zero : DlSym(torch, "_ZN2at13globalContextEv");
        var get = torch == IntPtr.Zero ? IntPtr.Zero : DlSym(torch, "_ZNK2at7Context17userEnabledNNPACKEv");
        if (context == IntPtr.Zero || get == IntPtr.Zero) return null;
        return Marshal.GetDelegateForFunctionPointer<GetFlagFn>(get)(Marshal.GetDelegateForFunctionPointer<GlobalContextFn>(context)());
    }

    private static bool _nnpackDisabled;
    private const int RtldNow = 2, RtldNoLoad = 4;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContextFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetFlagFn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool GetFlagFn(IntPtr context);

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr DlOpen(string file, int mode);

    [DllImport("libc", EntryPoint = "dlsym")]
    private static extern IntPtr DlSym(IntPtr handle, string name);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);
}
