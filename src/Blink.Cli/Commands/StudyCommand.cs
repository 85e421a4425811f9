using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Analysis;
using Blink.Workbench.Benchmarks;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Blink.Workbench.Training;
using Spectre.Console;
using TorchSharp;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink study</c>, the main job: on the embedded default, the pilot study (where each layer looks; which band to
/// use), threshold calibration, a short TokenSR training against the crop teacher, the evaluation of every method with
/// paired statistics, the forced-expansion pilot, and one self-contained HTML report. Every stage writes into one run
/// folder; answer files and the TokenSR feature cache make a re-run resume instead of starting over.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var device = new DeviceOptions();
        var blinkOptions = new BlinkCliOptions();
        var output = new Option<string>("--out") { Description = "Run folder", DefaultValueFactory = _ => "artifacts/study" };
        var valSamples = new Option<int>("--val-samples") { Description = "Validation questions for the pilot study and calibration", DefaultValueFactory = _ => 240 };
        var testSamples = new Option<int>("--test-samples") { Description = "Test questions for the evaluation of every method", DefaultValueFactory = _ => 600 };
        var forcedSamples = new Option<int>("--forced-samples") { Description = "Test questions for the forced-expansion pilot", DefaultValueFactory = _ => 300 };
        var srSamples = new Option<int>("--tokensr-samples") { Description = "Training scenes for TokenSR's teacher features", DefaultValueFactory = _ => 600 };
        var srSteps = new Option<int>("--tokensr-steps") { Description = "TokenSR optimizer steps", DefaultValueFactory = _ => 400 };
        var quick = new Option<bool>("--quick") { Description = "A small configuration for smoke tests (a minute)" };
        var command = new Command("study", "The main job: pilot study, TokenSR training, evaluation of all methods and an HTML report, on the embedded default.")
        {
            output, valSamples, testSamples, forcedSamples, srSamples, srSteps, quick,
        };
        blinkOptions.AddTo(command, methods: false);
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var q = result.GetValue(quick);
            var resolved = blinkOptions.Resolve(result);
            var settings = new StudySettings(
                resolved.ModelDir, result.GetValue(output)!,
                q ? 24 : result.GetValue(valSamples), q ? 36 : result.GetValue(testSamples), q ? 24 : result.GetValue(forcedSamples),
                q ? 24 : result.GetValue(srSamples), q ? 20 : result.GetValue(srSteps),
                resolved.Blink, result.GetValue(blinkOptions.Layers) is not null);
            var (dev, dtype) = device.Resolve(result, resolved.ModelDir);
            return Run(settings, dev, dtype);
        }));
        return command;
    }

    /// <param name="Blink">The model's Blink defaults with --patch applied; <paramref name="BandGiven"/>: --blink-layers replaces the pilot's recommended band.</param>
    private sealed record StudySettings(string Model, string Output, int ValSamples, int TestSamples, int ForcedSamples, int TokenSRSamples, int TokenSRSteps,
        BlinkOptions Blink, bool BandGiven)
    {
        public void Validate()
        {
            foreach (var (name, value) in new[] { ("--val-samples", ValSamples), ("--test-samples", TestSamples), ("--forced-samples", ForcedSamples), ("--tokensr-samples", TokenSRSamples), ("--tokensr-steps", TokenSRSteps) })
                if (value < 1) throw new ArgumentException($"{name} must be ≥ 1, got {value}.");
            if (TokenSRSamples < 10) throw new ArgumentException($"--tokensr-samples must be ≥ 10 (a tenth is held out for validation), got {TokenSRSamples}.");
        }
    }

    private static int Run(StudySettings s, torch.Device dev, torch.ScalarType dtype)
    {
        s.Validate();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var printer = new ProgressPrinter();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        var folder = s.Output;
        Directory.CreateDirectory(folder);
        void Stage(string text) => AnsiConsole.MarkupLineInterpolated($"[bold blue]▶[/] [bold]{text}[/]  [grey]({clock.Elapsed:m\\:ss})[/]");

        Stage("loading the model");
        using var bundle = ModelBundle.Load(s.Model, dev, dtype, m => printer.Line(m, force: true), weightProgress: printer.Weights);
        var config = bundle.Model.Config;
        var layers = config.TextConfig.NumHiddenLayers;
        var grid = config.VisionConfig.GridSize;
        var pre = bundle.Preprocessor.Options;
        var generator = new TestbedGenerator(new TestbedOptions { InputSize = pre.Size, PatchSize = pre.PatchSize });
        var benchmark = new TestbedBenchmark();
        AnsiConsole.MarkupLineInterpolated($"{bundle.ModelId}: {layers} decoder layers, {grid}×{grid} visual grid, {dev} {dtype}, {torch.get_num_threads()} threads");
        GuardResume(folder, bundle, generator.Options, s);

        Stage("writing the testbed validation and test splits");
        var valFolder = Path.Combine(folder, "data", "val");
        var testFolder = Path.Combine(folder, "data", "test");
        WriteSplitOnce(generator, TestbedSplit.Val, s.ValSamples, valFolder, printer);
        WriteSplitOnce(generator, TestbedSplit.Test, s.TestSamples, testFolder, printer);
        var valItems = benchmark.Load(valFolder);
        var testItems = benchmark.Load(testFolder);

        Stage($"pilot study 1: attention across layers on {valItems.Count} validation questions");
        var defaults = s.Blink;
        var study = LayerAttentionStudy.Run(bundle, valItems.Select(StudySample.FromBenchmarkItem).ToArray(),
            new LayerStudyOptions { KeepMapsFor = 3, HeadLayers = [defaults.FirstLayer] },
            printer.Counter("  questions"), cts.Token);
        study.Save(Path.Combine(folder, LayerAttentionResult.FileName));
        var band = study.Band;
        AnsiConsole.MarkupLineInterpolated($"  recommended band: layers [green]{band.First}–{band.Last}[/] (peak {band.Peak}); {band.Explanation}");
        var blink = s.BandGiven ? defaults : defaults with { FirstLayer = band.First, LastLayer = Math.Min(band.Last, layers - 2) };
        if (s.BandGiven) AnsiConsole.MarkupLineInterpolated($"  --blink-layers {blink.FirstLayer}-{blink.LastLayer} replaces the recommended band");
        blink.Validate(config);

        Stage("calibrating τ_exp and τ_drop on the validation split");
        var calibration = ThresholdCalibration.Run(bundle, TokenSRCliShared.Testbed(bundle, TestbedSplit.Val, s.ValSamples),
            new ThresholdCalibrationOptions { Blink = blink }, new SynchronousProgress<string>(m => printer.Line("  " + m)), cts.Token);
        blink = calibration.Apply(blink);
        File.WriteAllText(Path.Combine(folder, "calibration.json"), JsonSerializer.Serialize(calibration, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"  τ_exp = {calibration.TauExpand:0.###} (expands in {calibration.TriggerShare:P0} of layer events), τ_drop = {calibration.TauDrop:0.###}, uniform share {calibration.Uniform:0.###}");

        Stage($"training TokenSR for layers {blink.FirstLayer}–{blink.LastLayer} on {s.TokenSRSamples} training scenes");
        var (bank, tokensrCurve) = TrainTokenSR(bundle, blink, s, Path.Combine(folder, "tokensr"), printer, cts.Token);
        using var _ = bank;

        var runner = new MethodRunner(bundle, bank);
        var methods = MethodCatalog.Standard(blink);
        Stage($"evaluating {methods.Count} methods on {testItems.Count} test questions");
        var evalOptions = new EvaluationOptions(Path.Combine(folder, "eval"));
        new MethodEvaluator(runner).Answer(benchmark, testItems, methods, evalOptions,
            new SynchronousProgress<EvaluationProgress>(p => printer.Count("  " + p.Method, p.Done, p.Total)), cts.Token);
        var evaluation = MethodEvaluator.Score(benchmark, testItems, methods, evalOptions);
        PrintSummary(evaluation);

        Stage($"pilot study 2: one forced expansion after layer {band.Peak} on {Math.Min(s.ForcedSamples, testItems.Count)} test questions");
        var forced = ForcedExpansionStudy.Run(runner, benchmark, testItems.Take(s.ForcedSamples).ToArray(), Math.Min(band.Peak, layers - 2),
            new EvaluationOptions(Path.Combine(folder, "forced")), blink,
            new SynchronousProgress<EvaluationProgress>(p => printer.Count("  " + p.Method, p.Done, p.Total)), cts.Token);
        PrintSummary(forced);

        Stage("figures and report");
        var traceSpec = MethodCatalog.Find(methods, "blink");
        var traceItems = testItems.Where(i => i.Category is "color" or "digit" or "shape").Take(3).ToArray();
        var traces = PilotCommand.RecordTraces(runner, traceSpec, benchmark, traceItems);
        StudyRunFolder.WriteTraces(folder, traces);
        var curves = new List<LossRun> { tokensrCurve };
        if (BaseModelCurve(s.Model) is { } baseCurve) curves.Insert(0, baseCurve);
        StudyRunFolder.WriteTraining(folder, curves);
        PilotFigureFiles.Write(Path.Combine(folder, "figures"), study,
            [ResultsSummary.FromTable(evaluation, "Evaluation"), ResultsSummary.FromTable(forced, "Forced expansion")], traces, 3, defaults.FirstLayer);
        // Written last but for the page built from it, so "elapsed" is the main job's wall time (blink bench reads it).
        StudyRunFolder.WriteManifest(folder, Manifest(s, bundle, study, blink, calibration, dev, dtype, started, clock.Elapsed));
        var report = StudyRunFolder.RebuildReport(folder);
        AnsiConsole.MarkupLineInterpolated($"[green]done[/] in {clock.Elapsed:m\\:ss}. Report: [link]{Path.GetFullPath(report)}[/]");
        return 0;
    }

    private static void WriteSplitOnce(TestbedGenerator generator, TestbedSplit split, int count, string folder, ProgressPrinter printer)
    {
        var questions = Path.Combine(folder, "questions.jsonl");
        if (File.Exists(questions) && File.ReadLines(questions).Count() == count) return; // same seed → same split
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        TestbedWriter.WriteSplit(generator, split, count, folder,
            progress: new SynchronousProgress<(string Split, int Done, int Total)>(p => printer.Count($"  {p.Split} samples", p.Done, p.Total)));
    }

    /// <summary>
    /// A run folder resumes (answer files, written splits, the feature cache) only for the same model weights, testbed
    /// and settings: another model with the same id, or changed testbed defaults, would otherwise silently reuse stale
    /// answers and splits. The key is written once; a mismatch stops before anything is overwritten.
    /// </summary>
    private static void GuardResume(string folder, ModelBundle bundle, TestbedOptions testbed, StudySettings s)
    {
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            ModelFingerprint.Compute(bundle) + "\n" + JsonSerializer.Serialize(testbed) + "\n" + JsonSerializer.Serialize(s with { Output = "" }))))[..16];
        var path = Path.Combine(folder, "run.key");
        if (File.Exists(path))
        {
            var previous = File.ReadAllText(path).Trim();
            if (previous != key)
                throw new InvalidOperationException(
                    $"{folder} holds a study of another model, testbed or settings (run key {previous}, now {key}); its answers and splits cannot be reused. " +
                    $"Pass another --out, or delete {folder} to start over.");
            return;
        }
        if (Directory.EnumerateFileSystemEntries(folder).Any())
            throw new InvalidOperationException(
                $"{folder} is not empty but has no run.key (written by an older version or another tool), so it cannot be checked for reuse. " +
                $"Pass another --out, or delete {folder} to start over.");
        File.WriteAllText(path, key + "\n");
    }

    private static (TokenSRBank Bank, LossRun Curve) TrainTokenSR(ModelBundle bundle, BlinkOptions blink, StudySettings s, string work, ProgressPrinter printer, CancellationToken ct)
    {
        var extraction = new TokenSRExtractionOptions { Blink = blink };
        var data = TokenSRCliShared.Testbed(bundle, TestbedSplit.Train, s.TokenSRSamples);
        var key = FeatureCacheKey.For(bundle, extraction, data);
        var cache = new FeatureCache(Path.Combine(work, "cache"));
        var shard = cache.ExtractShard(new TeacherStudentExtractor(bundle, extraction), data, key, 1, 0, rebuild: true,
            new SynchronousProgress<string>(m => printer.Line("  " + m)), ct);
        printer.Line($"  {shard.Pairs} teacher/student pairs{(shard.Reused ? " (cached)" : "")}", force: true);
        cache.Merge(key, 1);
        using var pairs = cache.Load(key);
        var options = new TokenSRTrainingOptions { Steps = s.TokenSRSteps };
        var trained = new TokenSRTrainer(options, work).Train(pairs, key.Hash,
            new SynchronousProgress<TokenSRTrainingProgress>(p =>
            {
                if (p.Message is not null) { printer.Line("  " + p.Message); return; }
                printer.Line($"  step {p.Step}/{p.TotalSteps}  loss {p.Loss:G4}" + (p.ValLoss is { } v ? $"  val {v:G4} (interpolation {p.InterpValLoss:G4})" : "")
                             + $"  elapsed {ProgressPrinter.Eta(p.Elapsed)}  ETA {ProgressPrinter.Eta(p.Remaining)}", p.ValLoss is not null);
            }), ct, resume: false, bundle.Model.Device);
        var path = Path.Combine(work, "tokensr.safetensors");
        TokenSRBankArtifact.Save(trained, path, blink.PatchSize, options, key.Hash, bundle.ModelId);
        foreach (var layer in trained.Bank.Layers.Where(trained.ValLoss.ContainsKey))
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"  layer {layer}: held-out {options.Loss} to the crop teacher — TokenSR {trained.ValLoss[layer]:G4}, interpolation {trained.InterpValLoss[layer]:G4}");
        var train = trained.Curve.ToArray();
        var val = trained.Curve.Where(c => c.ValLoss is not null).ToArray();
        var curve = new LossRun("TokenSR (KL to the crop teacher)", train.Select(c => (double)c.Step).ToArray(), train.Select(c => c.Loss).ToArray(),
            val.Select(c => (double)c.Step).ToArray(), val.Select(c => c.ValLoss!.Value).ToArray());
        return (trained.Bank, curve);
    }

    /// <summary>The embedded model's own training curve (train_history.json beside its weights), if it shipped one.</summary>
    private static LossRun? BaseModelCurve(string modelFolder)
    {
        var path = Path.Combine(modelFolder, "train_history.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var rows = doc.RootElement.GetProperty("history").EnumerateArray().ToArray();
            var steps = rows.Select(r => (double)r.GetProperty("Step").GetInt32()).ToArray();
            var loss = rows.Select(r => r.GetProperty("Loss").GetDouble()).ToArray();
            var val = rows.Where(r => r.TryGetProperty("ValAccuracy", out var v) && v.ValueKind == JsonValueKind.Number).ToArray();
            return new LossRun("base model (answer + patch loss)", steps, loss,
                val.Select(r => (double)r.GetProperty("Step").GetInt32()).ToArray(), val.Select(r => 1 - r.GetProperty("ValAccuracy").GetDouble()).ToArray());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {path} is not a training history ({e.Message}); its curve is left out.");
            return null;
        }
    }

    private static void PrintSummary(ResultsTable table)
    {
        foreach (var row in table.BuildRows().Where(r => r.Category == ResultsTable.AllCategory))
        {
            var head = string.Create(CultureInfo.InvariantCulture, $"  {row.Method,-18} accuracy {row.Accuracy * 100,5:F1}%");
            var delta = row.VsBaseline is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"  Δ {c.Bootstrap.Difference * 100:+0.0;-0.0} pp [{c.Bootstrap.Lower * 100:+0.0;-0.0}, {c.Bootstrap.Upper * 100:+0.0;-0.0}]  McNemar p {c.McNemar.ExactPValue:0.###}")
                : "";
            AnsiConsole.WriteLine(head + delta);
        }
    }

    private static RunManifest Manifest(StudySettings s, ModelBundle bundle, LayerAttentionResult study, BlinkOptions blink, ThresholdCalibrationResult cal,
        torch.Device dev, torch.ScalarType dtype, DateTimeOffset started, TimeSpan elapsed)
    {
        static string I(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        return new RunManifest($"Blink study: {bundle.ModelId}", $"testbed, {DateTime.Now:yyyy-MM-dd HH:mm}",
        [
            new("model", bundle.ModelId), new("model folder", Path.GetFullPath(s.Model)),
            new("validation questions", I(s.ValSamples)), new("test questions", I(s.TestSamples)), new("forced-expansion questions", I(s.ForcedSamples)),
            new("pilot band", $"{study.Band.First}–{study.Band.Last} (peak {study.Band.Peak})"),
            new("Blink layers", $"{blink.FirstLayer}–{blink.LastLayer}"), new("p", I(blink.PatchSize)), new("scale", $"×{blink.Scale}"),
            new("τ_exp / τ_drop (calibrated)", $"{I(blink.TauExpand)} / {I(blink.TauDrop)} (uniform {I(cal.Uniform)}, expands in {cal.TriggerShare:P0} of events)"),
            new("positions", blink.Positions.ToString()), new("TokenSR", $"{s.TokenSRSamples} scenes, {s.TokenSRSteps} steps, KL to the crop teacher"),
        ],
        [
            new("device", $"{dev} {dtype}"), new("threads", I(torch.get_num_threads())),
            new("seeds", $"testbed {new TestbedOptions().Seed}, random region {blink.Seed}, TokenSR {new TokenSRTrainingOptions().Seed}, bootstrap 0"),
            new("command line", string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Prepend("blink"))),
            new("started", started.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            new("finished", (started + elapsed).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            new("elapsed", elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)),
        ], 3, blink.FirstLayer);
    }
}
