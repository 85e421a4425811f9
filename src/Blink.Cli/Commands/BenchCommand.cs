using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Methods;
using Blink.Workbench.Performance;
using Spectre.Console;
using TorchSharp;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink bench</c>: speed and memory of every method, with warm-up and repeats, written as markdown and JSON.
/// Speed targets are checked here, never in timed unit tests.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var device = new DeviceOptions();
        var sliceLayers = new Option<int>("--slice-layers") { Description = "Decoder layers of the LLaVA-7B-shaped slice (0 skips it)", DefaultValueFactory = _ => 4 };
        var repeats = new Option<int>("--repeats") { Description = "Timed repeats per measurement", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up runs per measurement", DefaultValueFactory = _ => 1 };
        var tinyModel = new Option<string>("--model") { Description = "The small model to measure beside the slice (\"\" skips it)", DefaultValueFactory = _ => PilotCommand.DefaultModel };
        var tinyRepeats = new Option<int>("--tiny-repeats") { Description = "Timed repeats on the small model", DefaultValueFactory = _ => 50 };
        var output = new Option<string>("--out") { Description = "Folder for bench.md and bench.json", DefaultValueFactory = _ => "artifacts/bench" };
        var command = new Command("bench", "Measure prefill/decode time, memory and saliency cost of vanilla, Blink-interp, Blink and FastV.")
        {
            sliceLayers, repeats, warmup, tinyModel, tinyRepeats, output,
        };
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var (dev, dtype) = device.Resolve(result);
            var report = new BenchReport();
            var layers = result.GetValue(sliceLayers);
            var reps = result.GetValue(repeats);
            var warm = result.GetValue(warmup);
            if (reps < 1) throw new ArgumentException($"--repeats must be ≥ 1, got {reps}.");
            AnsiConsole.MarkupLineInterpolated($"[bold]blink bench[/] on {dev} {dtype}, {torch.get_num_threads()} threads, {reps} repeats after {warm} warm-up");
            if (result.GetValue(tinyModel) is { Length: > 0 } tiny) TinyBench.Run(report, tiny, dev, dtype, Math.Max(warm, 3), result.GetValue(tinyRepeats));
            if (layers > 0) SliceBench.Run(report, layers, dev, dtype, warm, reps);
            var folder = result.GetValue(output)!;
            report.Write(folder);
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{Path.Combine(folder, "bench.md")}[/] and bench.json");
            return 0;
        }));
        return command;
    }
}
