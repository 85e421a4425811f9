using System.CommandLine;
using Blink.Workbench.Models;
using Blink.Workbench.Performance;
using Spectre.Console;
using TorchSharp;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink bench</c>: speed and memory of every method, with warm-up and interleaved repeats, written as markdown and
/// JSON. Speed targets are checked here, never in timed unit tests. Sections: the embedded tiny model (prefill, leak
/// check, evaluation throughput), the LLaVA-7B-shaped slice (prefill, PyTorch peer, saliency, expanders, decoding),
/// checkpoint-loading memory, and the main job's wall time.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var device = new DeviceOptions();
        var sliceLayers = new Option<int>("--slice-layers") { Description = "Decoder layers of the LLaVA-7B-shaped slice (0 skips it, else ≥ 3)", DefaultValueFactory = _ => 4 };
        var repeats = new Option<int>("--repeats") { Description = "Timed rounds on the slice (each round runs every method once, order rotated)", DefaultValueFactory = _ => 6 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up rounds on the slice", DefaultValueFactory = _ => 1 };
        var tinyModel = new Option<string>("--model") { Description = "The small model to measure beside the slice (\"\" skips it)", DefaultValueFactory = _ => PilotCommand.DefaultModel };
        var tinyRepeats = new Option<int>("--tiny-repeats") { Description = "Timed rounds on the small model", DefaultValueFactory = _ => 200 };
        var leakForwards = new Option<int>("--leak-forwards") { Description = "Runs per workload in the leak check", DefaultValueFactory = _ => 100 };
        var evalQuestions = new Option<int>("--eval-questions") { Description = "Testbed questions for the evaluation throughput (0 skips it)", DefaultValueFactory = _ => 100 };
        var evalRepeats = new Option<int>("--eval-repeats") { Description = "Interleaved rounds of the evaluation throughput", DefaultValueFactory = _ => 3 };
        var study = new Option<string>("--study") { Description = "The main job's run folder (wall time, trained TokenSR, calibrated thresholds)", DefaultValueFactory = _ => "artifacts/study" };
        var loadLayers = new Option<int>("--load-layers") { Description = "Layers of the slice checkpoint for the loading-memory check (0 skips it)", DefaultValueFactory = _ => 2 };
        var peer = new Option<bool>("--peer") { Description = "Time the PyTorch peer in the same rounds (default; needs bash eng/ensure-peer.sh)" };
        var noPeer = new Option<bool>("--no-peer") { Description = "Skip the PyTorch peer" };
        var peerPython = new Option<string>("--peer-python") { Description = "Python with torch for the peer", DefaultValueFactory = _ => PyTorchPeer.DefaultPython };
        var decodeTokens = new Option<int>("--decode-tokens") { Description = "New tokens per greedy decode on the slice", DefaultValueFactory = _ => 8 };
        var output = new Option<string>("--out") { Description = "Folder for bench.md and bench.json", DefaultValueFactory = _ => "artifacts/bench" };
        var command = new Command("bench", "Measure prefill/decode time, memory and saliency cost of every method, against vanilla and against PyTorch.")
        {
            sliceLayers, repeats, warmup, tinyModel, tinyRepeats, leakForwards, evalQuestions, evalRepeats, study, loadLayers, peer, noPeer, peerPython, decodeTokens, output,
        };
        device.AddTo(command);
        command.Subcommands.Add(LoadMemoryBench.CreateChildCommand());
        command.Subcommands.Add(SoakCommand.Create());
        command.SetAction(result => CliErrors.Run(() =>
        {
            var layers = result.GetValue(sliceLayers);
            var reps = result.GetValue(repeats);
            var warm = result.GetValue(warmup);
            var tinyReps = result.GetValue(tinyRepeats);
            var leaks = result.GetValue(leakForwards);
            var questions = result.GetValue(evalQuestions);
            var evalReps = result.GetValue(evalRepeats);
            var load = result.GetValue(loadLayers);
            var decode = result.GetValue(decodeTokens);
            if (layers is < 0 or 1 or 2) throw new ArgumentException($"--slice-layers must be 0 (skip) or ≥ 3 so Blink can act between layers, got {layers}.");
            if (reps < 1) throw new ArgumentException($"--repeats must be ≥ 1, got {reps}.");
            if (warm < 0) throw new ArgumentException($"--warmup must be ≥ 0, got {warm}.");
            if (tinyReps < 1) throw new ArgumentException($"--tiny-repeats must be ≥ 1, got {tinyReps}.");
            if (leaks < 1) throw new ArgumentException($"--leak-forwards must be ≥ 1, got {leaks}.");
            if (questions < 0) throw new ArgumentException($"--eval-questions must be ≥ 0 (0 skips), got {questions}.");
            if (evalReps < 1) throw new ArgumentException($"--eval-repeats must be ≥ 1, got {evalReps}.");
            if (load < 0) throw new ArgumentException($"--load-layers must be ≥ 0 (0 skips), got {load}.");
            if (decode < 2) throw new ArgumentException($"--decode-tokens must be ≥ 2 (the first token comes from the prefill), got {decode}.");
            if (result.GetValue(peer) && result.GetValue(noPeer)) throw new ArgumentException("--peer and --no-peer contradict each other; give one.");
            var (dev, dtype) = device.Resolve(result);
            var report = new BenchReport();
            var folder = result.GetValue(output)!;
            var studyFolder = result.GetValue(study)!;
            AnsiConsole.MarkupLineInterpolated($"[bold]blink bench[/] on {dev} {dtype}, {torch.get_num_threads()} threads; slice: {warm} warm-up + {reps} timed rounds");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string? embedded = null;
            if (result.GetValue(tinyModel) is { Length: > 0 } tiny)
            {
                embedded = PilotCommand.ResolveModel(tiny);
                using var bundle = ModelBundle.Load(embedded, dev, dtype);
                TinyBench.Run(report, bundle, dev, Math.Max(warm, 5), tinyReps, leaks);
                report.Write(folder);
                if (questions > 0)
                {
                    EvalThroughputBench.Run(report, bundle, dev, questions, evalReps, studyFolder);
                    report.Write(folder);
                }
            }
            if (layers > 0)
            {
                SliceBench.Run(report, new SliceBenchSettings(layers, warm, reps, !result.GetValue(noPeer), result.GetValue(peerPython)!, decode), dev, dtype);
                report.Write(folder);
            }
            if (load > 0)
            {
                LoadMemoryBench.Run(report, load, embedded ?? TryEmbedded());
                report.Write(folder);
            }
            MainJobSection.Add(report, studyFolder);
            report.Data("bench", new { elapsed_seconds = clock.Elapsed.TotalSeconds, threads = torch.get_num_threads(), device = dev.ToString(), dtype = dtype.ToString(), args = Environment.GetCommandLineArgs().Skip(1).ToArray() });
            report.Write(folder);
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{Path.Combine(folder, "bench.md")}[/] and bench.json in {clock.Elapsed:m\\:ss}");
            return 0;
        }));
        return command;
    }

    private static string? TryEmbedded()
    {
        try
        {
            return PilotCommand.ResolveModel(PilotCommand.DefaultModel);
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
