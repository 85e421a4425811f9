using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Analysis;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation.Runs;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Blink.Workbench.Training;
using TorchSharp;

namespace Blink.Workbench.Experiments;

/// <summary>
/// The main job, in one chain: on a testbed written for the model, the pilot study (where each layer looks; which
/// band to use), threshold calibration, a short TokenSR training against the crop teacher, the evaluation of every
/// method with paired statistics, the forced-expansion pilot, and one self-contained HTML report. Every stage writes
/// into one run folder; answer files and the TokenSR feature cache make a re-run resume instead of starting over.
/// </summary>
public static class StudyPipeline
{
    /// <param name="commandLine">How the run was started, for the report (the CLI passes its command line).</param>
    public static StudyOutcome Run(StudySettings s, torch.Device device, torch.ScalarType dtype, IStudyLog log,
        CancellationToken ct = default, string? commandLine = null)
    {
        s.Validate();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var folder = s.Output;
        Directory.CreateDirectory(folder);

        log.Stage("loading the model");
        using var bundle = ModelBundle.Load(s.Model, device, dtype, m => log.Progress(m, last: true),
            weightProgress: p => log.Count("loading weights", p.BytesDone / 1e6, p.BytesTotal / 1e6, " MB"));
        var config = bundle.Model.Config;
        var layers = config.TextConfig.NumHiddenLayers;
        var grid = config.VisionConfig.GridSize;
        var generator = TestbedGenerator.ForModel(config);
        var benchmark = new TestbedBenchmark();
        log.Result($"{bundle.ModelId}: {layers} decoder layers, {grid}×{grid} visual grid, {device} {dtype}, {torch.get_num_threads()} threads");
        StudyRunKey.CheckOrWrite(folder, StudyRunKey.Compute(bundle, generator.Options, s));

        log.Stage("writing the testbed validation and test splits");
        var valFolder = Path.Combine(folder, "data", "val");
        var testFolder = Path.Combine(folder, "data", "test");
        WriteSplitOnce(generator, TestbedSplit.Val, s.ValSamples, valFolder, log);
        WriteSplitOnce(generator, TestbedSplit.Test, s.TestSamples, testFolder, log);
        var valItems = benchmark.Load(valFolder);
        var testItems = benchmark.Load(testFolder);

        log.Stage($"pilot study 1: attention across layers on {valItems.Count} validation questions");
        var defaults = s.Blink;
        var study = LayerAttentionStudy.Run(bundle, valItems.Select(StudySample.FromBenchmarkItem).ToArray(),
            new LayerStudyOptions { KeepMapsFor = 3, HeadLayers = [defaults.FirstLayer] },
            new SynchronousProgress<(int Done, int Total)>(p => log.Count("questions", p.Done, p.Total)), ct);
        study.Save(Path.Combine(folder, LayerAttentionResult.FileName));
        var band = study.Band;
        log.Result($"recommended band: layers {band.First}–{band.Last} (peak {band.Peak}); {band.Explanation}");
        var blink = s.BandGiven ? defaults : defaults with { FirstLayer = band.First, LastLayer = Math.Min(band.Last, layers - 2) };
        if (s.BandGiven) log.Result($"--blink-layers {blink.FirstLayer}-{blink.LastLayer} replaces the recommended band");
        blink.Validate(config);

        log.Stage("calibrating τ_exp and τ_drop on the validation split");
        var calibration = ThresholdCalibration.Run(bundle, new TestbedTokenSRSource(generator, TestbedSplit.Val, 0, s.ValSamples),
            new ThresholdCalibrationOptions { Blink = blink }, new SynchronousProgress<string>(m => log.Progress(m)), ct);
        blink = calibration.Apply(blink);
        File.WriteAllText(Path.Combine(folder, "calibration.json"), JsonSerializer.Serialize(calibration, new JsonSerializerOptions { WriteIndented = true }));
        log.Result(string.Create(CultureInfo.InvariantCulture,
            $"τ_exp = {calibration.TauExpand:0.###} (expands in {calibration.TriggerShare:P0} of layer events), τ_drop = {calibration.TauDrop:0.###}, uniform share {calibration.Uniform:0.###}"));

        log.Stage($"training TokenSR for layers {blink.FirstLayer}–{blink.LastLayer} on {s.TokenSRSamples} training scenes");
        var (bank, tokensrCurve) = TrainTokenSR(bundle, generator, blink, s, Path.Combine(folder, "tokensr"), log, ct);
        using var _ = bank;

        var runner = new MethodRunner(bundle, bank, reuseProbes: true);
        var methods = MethodCatalog.Standard(blink);
        log.Stage($"evaluating {methods.Count} methods on {testItems.Count} test questions");
        var evalOptions = new EvaluationOptions(Path.Combine(folder, "eval"));
        new MethodEvaluator(runner).Answer(benchmark, testItems, methods, evalOptions, EvaluationLog(log), ct);
        var evaluation = MethodEvaluator.Score(benchmark, testItems, methods, evalOptions);

        log.Stage($"pilot study 2: one forced expansion after layer {band.Peak} on {Math.Min(s.ForcedSamples, testItems.Count)} test questions");
        var forced = ForcedExpansionStudy.Run(runner, benchmark, testItems.Take(s.ForcedSamples).ToArray(), Math.Min(band.Peak, layers - 2),
            new EvaluationOptions(Path.Combine(folder, "forced")), blink, EvaluationLog(log), ct);

        if (s.DecompositionSamples > 0)
        {
            var insertLayer = Math.Clamp(band.Peak, blink.FirstLayer, blink.LastLayer);
            var headroom = new List<MethodSpec> { MethodCatalog.Find(methods, "vanilla"), MethodCatalog.Find(methods, "zoom-oracle") };
            headroom.AddRange(MethodCatalog.Headroom(blink, ViCropOptions.ForModel(layers), insertLayer));
            var subset = testItems.Take(s.DecompositionSamples).ToArray();
            log.Stage($"headroom decomposition: {headroom.Count} methods (insertions after layer {insertLayer}) on {subset.Length} test questions");
            var decompositionOptions = new EvaluationOptions(Path.Combine(folder, StudyRunFolder.DecompositionFolder));
            new MethodEvaluator(runner).Answer(benchmark, subset, headroom, decompositionOptions, EvaluationLog(log), ct);
            var scored = MethodEvaluator.Score(benchmark, subset, headroom, decompositionOptions);
            foreach (var line in HeadroomDecomposition.From(scored).Statements()) log.Result("  " + line);
            DecompositionChart.WritePng(Path.Combine(decompositionOptions.OutputDirectory, HeadroomDecomposition.FileStem + ".json"));
        }

        log.Stage("figures and report");
        var traceSpec = MethodCatalog.Find(methods, "blink");
        var traceItems = testItems.Where(i => i.Category is "color" or "digit" or "shape").Take(3).ToArray();
        var traces = BlinkTraces.Record(runner, traceSpec, benchmark, traceItems);
        StudyRunFolder.WriteTraces(folder, traces);
        var curves = new List<LossRun> { tokensrCurve };
        if (BaseModelCurve(s.Model, log) is { } baseCurve) curves.Insert(0, baseCurve);
        StudyRunFolder.WriteTraining(folder, curves);
        PilotFigureFiles.Write(Path.Combine(folder, "figures"), study,
            [ResultsSummary.FromTable(evaluation, "Evaluation"), ResultsSummary.FromTable(forced, "Forced expansion")], traces, 3, defaults.FirstLayer);
        // Written last but for the page built from it, so "elapsed" is the main job's wall time (blink bench reads it).
        StudyRunFolder.WriteManifest(folder, Manifest(s, bundle, study, blink, calibration, device, dtype, started, clock.Elapsed, commandLine));
        var report = StudyRunFolder.RebuildReport(folder);
        return new StudyOutcome(folder, report, study, blink, calibration, evaluation, forced, clock.Elapsed);
    }

    private static SynchronousProgress<EvaluationProgress> EvaluationLog(IStudyLog log) =>
        new(p => log.Count(p.Method, p.Done, p.Total));

    private static void WriteSplitOnce(TestbedGenerator generator, TestbedSplit split, int count, string folder, IStudyLog log)
    {
        var questions = Path.Combine(folder, "questions.jsonl");
        if (File.Exists(questions) && File.ReadLines(questions).Count() == count) return; // same seed → same split
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        TestbedWriter.WriteSplit(generator, split, count, folder,
            progress: new SynchronousProgress<(string Split, int Done, int Total)>(p => log.Count($"{p.Split} samples", p.Done, p.Total)));
    }

    private static (TokenSRBank Bank, LossRun Curve) TrainTokenSR(ModelBundle bundle, TestbedGenerator generator, BlinkOptions blink, StudySettings s,
        string work, IStudyLog log, CancellationToken ct)
    {
        var options = new TokenSRTrainingOptions { Steps = s.TokenSRSteps };
        var progress = new TokenSRRecipeProgress(
            new SynchronousProgress<string>(m => log.Progress(m, last: true)),
            new SynchronousProgress<string>(m => log.Progress(m)),
            new SynchronousProgress<TokenSRTrainingProgress>(p =>
            {
                if (p.Message is not null) { log.Progress(p.Message); return; }
                log.Progress($"step {p.Step}/{p.TotalSteps}  loss {p.Loss:G4}" + (p.ValLoss is { } v ? $"  val {v:G4} (interpolation {p.InterpValLoss:G4})" : "")
                             + $"  elapsed {p.Elapsed:m\\:ss}  ETA {p.Remaining:m\\:ss}", p.ValLoss is not null);
            }));
        var outcome = TokenSRRecipe.Run(bundle, new TokenSRExtractionOptions { Blink = blink }, new TestbedTokenSRSource(generator, TestbedSplit.Train, 0, s.TokenSRSamples),
            options, work, options: new TokenSRRecipeOptions { Rebuild = true, Resume = false }, progress: progress, ct: ct);
        var trained = outcome.Trained!;
        foreach (var layer in trained.Bank.Layers.Where(trained.ValLoss.ContainsKey))
            log.Result(string.Create(CultureInfo.InvariantCulture,
                $"layer {layer}: held-out {options.Loss} to the crop teacher — TokenSR {trained.ValLoss[layer]:G4}, interpolation {trained.InterpValLoss[layer]:G4}"));
        var train = trained.Curve.ToArray();
        var val = trained.Curve.Where(c => c.ValLoss is not null).ToArray();
        var curve = new LossRun("TokenSR (KL to the crop teacher)", train.Select(c => (double)c.Step).ToArray(), train.Select(c => c.Loss).ToArray(),
            val.Select(c => (double)c.Step).ToArray(), val.Select(c => c.ValLoss!.Value).ToArray());
        return (trained.Bank, curve);
    }

    /// <summary>The embedded model's own training curve (train_history.json beside its weights), if it shipped one.</summary>
    private static LossRun? BaseModelCurve(string modelFolder, IStudyLog log)
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
            log.Warning($"{path} is not a training history ({e.Message}); its curve is left out.");
            return null;
        }
    }

    private static RunManifest Manifest(StudySettings s, ModelBundle bundle, LayerAttentionResult study, BlinkOptions blink, ThresholdCalibrationResult cal,
        torch.Device dev, torch.ScalarType dtype, DateTimeOffset started, TimeSpan elapsed, string? commandLine)
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
            new("command line", commandLine ?? "StudyPipeline.Run"),
            new("started", started.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            new("finished", (started + elapsed).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            new("elapsed", elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)),
        ], 3, blink.FirstLayer);
    }
}
