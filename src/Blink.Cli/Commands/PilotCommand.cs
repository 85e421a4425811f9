using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Spectre.Console;
using TorchSharp;
using Blink.Workbench.Evaluation.Runs;
using Blink.Workbench.Imaging;
using Blink.Workbench.Experiments;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink pilot</c>: the paper's pilot analysis on a model. Study 1 records where the last prompt token looks in
/// every layer (pilot.json, figures); study 2 forces one interpolation expansion of the salient, a random and the
/// evidence region at one layer and compares each with vanilla (forced/results.*); three Blink-interp traces; then one
/// self-contained report.html. The folder can be re-rendered with <c>blink report --run DIR</c>.
/// </summary>
internal static class PilotCommand
{
    public const string DefaultModel = "data/models/tiny-testbed";

    public static Command Create()
    {
        var device = new DeviceOptions();
        var blinkOptions = new BlinkCliOptions();
        var data = new Option<string?>("--data") { Description = "Benchmark data folder; default: generate the testbed validation split into a temp folder" };
        var benchmarkName = new Option<string>("--benchmark") { Description = "Benchmark that reads --data", DefaultValueFactory = _ => "testbed" };
        var samples = new Option<int>("--samples") { Description = "Items to study (the first N)", DefaultValueFactory = _ => 60 };
        var layer = new Option<int?>("--layer") { Description = "Layer of the forced expansion (study 2); default: the peak of the recommended band" };
        var headLayer = new Option<int?>("--head-layer") { Description = "Layer whose per-head maps are kept; default: the first Blink layer" };
        var heatmaps = new Option<int>("--heatmap-samples") { Description = "Samples drawn as per-layer heatmaps", DefaultValueFactory = _ => 3 };
        var traces = new Option<int>("--traces") { Description = "Samples whose Blink-interp trace is recorded", DefaultValueFactory = _ => 3 };
        var skipForced = new Option<bool>("--skip-forced") { Description = "Only study 1 (no forced expansions)" };
        var output = new Option<string>("--out") { Description = "Run folder", DefaultValueFactory = _ => "artifacts/pilot" };
        var command = new Command("pilot", "Pilot analysis: attention across layers (with evidence boxes) and forced expansions of salient/random/evidence regions; writes JSON, figures and report.html.")
        {
            data, benchmarkName, samples, layer, headLayer, heatmaps, traces, skipForced, output,
        };
        blinkOptions.AddTo(command, methods: false);
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            var resolved = blinkOptions.Resolve(result);
            var (dev, dtype) = device.Resolve(result, resolved.ModelDir);
            var printer = new ProgressPrinter();
            var n = result.GetValue(samples);
            if (n < 1) throw new ArgumentException($"--samples must be ≥ 1, got {n}.");
            var folder = result.GetValue(output)!;
            Directory.CreateDirectory(folder);
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

            var modelFolder = resolved.ModelDir;
            using var bundle = ModelBundle.Load(modelFolder, dev, dtype, m => printer.Line(m, force: true), weightProgress: printer.Weights);
            bundle.Model.eval();
            var config = bundle.Model.Config;
            var layers = config.TextConfig.NumHiddenLayers;
            var grid = config.VisionConfig.GridSize;
            var blink = resolved.Blink;

            var benchmark = BenchmarkRegistry.Default.Get(result.GetValue(benchmarkName)!);
            string? temp = null;
            var dataFolder = result.GetValue(data);
            if (dataFolder is null)
            {
                temp = dataFolder = Path.Combine(Path.GetTempPath(), "blink-pilot-" + Guid.NewGuid().ToString("N")[..8]);
                var generator = TestbedGenerator.ForModel(config);
                TestbedWriter.WriteSplit(generator, TestbedSplit.Val, n, dataFolder,
                    progress: new SynchronousProgress<(string Split, int Done, int Total)>(p => printer.Count($"{p.Split} samples", p.Done, p.Total)));
                benchmark = new TestbedBenchmark();
                printer.Line($"generated {n} testbed validation samples in {dataFolder}", force: true);
            }
            try
            {
                var items = benchmark.Load(dataFolder).Take(n).ToArray();
                if (items.Length == 0) throw new InvalidDataException($"{dataFolder}: no items.");
                AnsiConsole.MarkupLineInterpolated($"[bold]blink pilot[/]: {bundle.ModelId} ({layers} layers, {grid}×{grid} grid) on {items.Length} {benchmark.Name} items, {dev} {dtype}");

                // Study 1.
                var hl = result.GetValue(headLayer) ?? blink.FirstLayer;
                var studyOptions = new LayerStudyOptions { KeepMapsFor = Math.Max(result.GetValue(heatmaps), 1), HeadLayers = [hl] };
                var study = LayerAttentionStudy.Run(bundle, items.Select(StudySample.FromBenchmarkItem).ToArray(), studyOptions,
                    printer.Counter("study 1: items"), cts.Token);
                study.Save(Path.Combine(folder, LayerAttentionResult.FileName));
                AnsiConsole.MarkupLineInterpolated($"recommended Blink band: layers [green]{study.Band.First}–{study.Band.Last}[/] (peak {study.Band.Peak}). {study.Band.Explanation}");

                // Study 2.
                var summaries = new List<ResultsSummary>();
                var forcedLayer = result.GetValue(layer) ?? Math.Min(study.Band.Peak, layers - 2);
                if (!result.GetValue(skipForced))
                {
                    var runner = new MethodRunner(bundle);
                    var table = ForcedExpansionStudy.Run(runner, benchmark, items, forcedLayer, new EvaluationOptions(Path.Combine(folder, "forced")), blink,
                        new SynchronousProgress<EvaluationProgress>(p => printer.Count("study 2: " + p.Method, p.Done, p.Total)), cts.Token);
                    summaries.Add(ResultsSummary.FromTable(table, "Results: forced"));
                    foreach (var row in table.BuildRows().Where(r => r.Category == ResultsTable.AllCategory))
                        AnsiConsole.WriteLine($"  {row.Method,-22} accuracy {row.Accuracy:P1}" + (row.VsBaseline is { } c ? $"  Δ {c.Bootstrap.Difference * 100:+0.0;-0.0} pp [{c.Bootstrap.Lower * 100:+0.0;-0.0}, {c.Bootstrap.Upper * 100:+0.0;-0.0}]  McNemar p {c.McNemar.ExactPValue:0.###}" : ""));
                }

                // Traces of Blink-interp on a few samples.
                var traceSpec = new MethodSpec("blink-interp", "Blink with bilinear interpolation", MethodKind.Blink, blink with { Expander = ExpanderKind.Interpolation });
                var traceSamples = BlinkTraces.Record(new MethodRunner(bundle), traceSpec, benchmark, items.Take(result.GetValue(traces)).ToArray());
                StudyRunFolder.WriteTraces(folder, traceSamples);

                var manifest = new RunManifest($"Blink pilot: {bundle.ModelId}", $"{items.Length} {benchmark.Name} items, {DateTime.Now:yyyy-MM-dd HH:mm}",
                [
                    new("model", bundle.ModelId), new("model folder", Path.GetFullPath(modelFolder)),
                    new("data", temp is null ? Path.GetFullPath(dataFolder) : $"generated testbed val split ({n} samples)"),
                    new("benchmark", benchmark.Name), new("items", I(items.Length)),
                    new("decoder layers", I(layers)), new("visual grid", $"{grid}×{grid}"),
                    new("p (region side)", I(study.PatchSize)), new("top-k", I(study.TopK)),
                    new("head layer", I(hl)), new("recommended band", $"{study.Band.First}–{study.Band.Last} (peak {study.Band.Peak})"),
                    new("forced expansion layer", result.GetValue(skipForced) ? "skipped" : I(forcedLayer)),
                    new("Blink defaults", $"layers {blink.FirstLayer}–{blink.LastLayer}, τ_exp {blink.TauExpand:0.###}, τ_drop {blink.TauDrop:0.###}, ×{blink.Scale}"),
                ],
                [
                    new("device", $"{dev} {dtype}"), new("threads", I(torch.get_num_threads())),
                    new("seed", $"random region {blink.Seed}, bootstrap 0"),
                    new("command line", string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Prepend("blink"))),
                    new("elapsed", clock.Elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)),
                ], result.GetValue(heatmaps), hl);
                StudyRunFolder.WriteManifest(folder, manifest);

                PilotFigureFiles.Write(Path.Combine(folder, "figures"), study, summaries, traceSamples, result.GetValue(heatmaps), hl);
                var report = StudyRunFolder.RebuildReport(folder);
                AnsiConsole.MarkupLineInterpolated($"wrote [green]{report}[/] ({clock.Elapsed.TotalSeconds:F0} s)");
                return 0;
            }
            finally
            {
                if (temp is not null) try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
            }
        }));
        return command;
    }

    /// <summary>A relative model folder that is not below the working directory is looked for above the program (the repository's data/).</summary>
    internal static string ResolveModel(string folder)
    {
        if (Path.IsPathRooted(folder) || Directory.Exists(folder)) return folder;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, folder);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(folder == DefaultModel
            ? $"The embedded model {DefaultModel} was not found (train it with blink train-base, or pass --model DIR)."
            : $"Model folder not found: {folder}");
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
