using System.CommandLine;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Cli.Commands;

/// <summary>--device, --dtype and --threads, shared by every command that runs a model.</summary>
internal sealed class DeviceOptions
{
    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
    public Option<string> DType { get; } = new("--dtype") { Description = "float32, float16 or bfloat16", DefaultValueFactory = _ => "float32" };
    public Option<int> Threads { get; } = new("--threads") { Description = "CPU threads for TorchSharp (0 = library default)", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        command.Options.Add(Device);
        command.Options.Add(DType);
        command.Options.Add(Threads);
    }

    public (Device Device, ScalarType DType) Resolve(ParseResult result)
    {
        var threads = result.GetValue(Threads);
        if (threads > 0) torch.set_num_threads(threads);
        var deviceName = result.GetValue(Device) ?? "cpu";
        if (deviceName.StartsWith("cuda", StringComparison.Ordinal))
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
            if (!torch.cuda.is_available())
                throw new ArgumentException($"--device {deviceName}: CUDA is not available. Build with ./build.sh (TORCH_FLAVOR=cuda) on a machine with an NVIDIA GPU and driver.");
        }
        var device = torch.device(deviceName);
        var dtype = (result.GetValue(DType) ?? "float32") switch
        {
            "float32" or "fp32" => ScalarType.Float32,
            "float16" or "fp16" => ScalarType.Float16,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            var other => throw new ArgumentException($"--dtype {other}: expected float32, float16 or bfloat16."),
        };
        return (device, dtype);
    }
}
