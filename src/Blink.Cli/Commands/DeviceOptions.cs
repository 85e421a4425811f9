using System.CommandLine;
using System.Text.RegularExpressions;
using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Cli.Commands;

/// <summary>--device, --dtype and --threads, shared by every command that runs a model.</summary>
internal sealed partial class DeviceOptions
{
    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N (cuda needs the CUDA build: TORCH_FLAVOR=cuda ./build.sh setup)", DefaultValueFactory = _ => "cpu" };
    public Option<string> DType { get; } = new("--dtype") { Description = "float32, float16 or bfloat16", DefaultValueFactory = _ => "float32" };
    public Option<int> Threads { get; } = new("--threads") { Description = $"CPU threads for libtorch, 1 to {Environment.ProcessorCount} (0 = auto: 1 for models up to {TorchRuntime.SmallModelHiddenSize} wide, whose kernels are too small to split, else every core)", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        command.Options.Add(Device);
        command.Options.Add(DType);
        command.Options.Add(Threads);
    }

    /// <param name="modelDir">The model folder when known: its width decides the automatic thread count.</param>
    public (Device Device, ScalarType DType) Resolve(ParseResult result, string? modelDir = null)
    {
        var threads = CheckThreads(result.GetValue(Threads));
        var deviceName = (result.GetValue(Device) ?? "cpu").Trim().ToLowerInvariant();
        if (!DeviceName().IsMatch(deviceName))
            throw new ArgumentException($"--device {result.GetValue(Device)}: expected cpu, cuda or cuda:N.");
        var dtype = (result.GetValue(DType) ?? "float32") switch
        {
            "float32" or "fp32" => ScalarType.Float32,
            "float16" or "fp16" => ScalarType.Float16,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            var other => throw new ArgumentException($"--dtype {other}: expected float32, float16 or bfloat16."),
        };
        if (deviceName.StartsWith("cuda", StringComparison.Ordinal))
        {
#if !TORCH_CUDA
            throw new ArgumentException($"--device {deviceName}: this build uses libtorch for the CPU. On a machine with an NVIDIA GPU, build the CUDA flavour with TORCH_FLAVOR=cuda ./build.sh setup.");
#else
            try
            {
                torch.InitializeDeviceType(DeviceType.CUDA);
            }
            catch (Exception e) when (e is not ArgumentException)
            {
                throw new ArgumentException($"--device {deviceName}: CUDA could not be initialised ({e.Message.Split('\n')[0]}).", e);
            }
            if (!torch.cuda.is_available())
                throw new ArgumentException($"--device {deviceName}: CUDA is not available (no NVIDIA GPU or driver found).");
#endif
        }
        torch.set_num_threads(threads > 0 ? threads : TorchRuntime.DefaultThreads(modelDir));
        return (torch.device(deviceName), dtype);
    }

    /// <summary>0 (auto) or 1 … the machine's cores: more threads than cores only fight over them.</summary>
    public static int CheckThreads(int threads) =>
        threads >= 0 && threads <= Environment.ProcessorCount
            ? threads
            : throw new ArgumentException($"--threads {threads}: expected 1 to {Environment.ProcessorCount} (this machine's cores), or 0 for automatic.");

    [GeneratedRegex("^(cpu|cuda(:[0-9]+)?)$")]
    private static partial Regex DeviceName();
}
