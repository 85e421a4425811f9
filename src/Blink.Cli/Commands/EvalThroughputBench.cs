using System.Diagnostics;
using System.Text.Json;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Performance;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Cli.Commands;

/// <summary>
/// Evaluation throughput of <c>blink bench</c>: questions per second of vanilla, Blink-interp and Blink answering
/// testbed test questions through the evaluator (<see cref="MethodEvaluator"/>: image decoding, prompt, closed-set
/// scoring, answer file), in interleaved rounds. Blink uses the main job's trained TokenSR bank and calibrated
/// thresholds when the study folder has them, else an untrained bank (the same cost) and the default thresholds.
/// </summary>
internal static class EvalThroughputBench
{
    private static readonly string[] MethodNames = ["vanilla", "blink-interp", "blink"];

    public static void Run(BenchReport report, ModelBundle bundle, Device device, int questions, int rounds, string studyFolder)
    {
        var config = bundle.Model.Config;
        var work = Path.Combine(Path.GetTempPath(), $"blink-bench-eval-{Environment.ProcessId}");
        try
        {
            var pre = bundle.Preprocessor.Options;
            var data = Path.Combine(work, "data");
            TestbedWriter.WriteSplit(TestbedGenerator.ForModel(bundle.Model.Config), TestbedSplit.Test, questions, data);
            var benchmark = new TestbedBenchmark();
            var items = benchmark.Load(data);

            var (bank, bankNote) = OpenBank(bundle, studyFolder, device);
            using var _ = bank;
            var blink = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize) with { FirstLayer = bank.Layers.Min(), LastLayer = bank.Layers.Max() };
            var (tauNote, calibrated) = Calibrated(blink, studyFolder);
            blink = calibrated;
            blink.Validate(config);
            var catalog = MethodCatalog.Standard(blink);
            var methods = MethodNames.Select(n => MethodCatalog.Find(catalog, n)).ToArray();
            var runner = new MethodRunner(bundle, bank);
            var evaluator = new MethodEvaluator(runner);
            var run = 0;
            RunSample Answer(MethodSpec method, IReadOnlyList<BenchmarkItem> subset)
            {
                var folder = Path.Combine(work, $"run{run++}");
                var clock = Stopwatch.StartNew();
                evaluator.Answer(benchmark, subset, [method], new EvaluationOptions(folder));
                return new RunSample(clock.Elapsed.TotalMilliseconds);
            }

            AnsiConsole.MarkupLineInterpolated($"evaluation throughput: {items.Count} testbed questions × {methods.Length} methods × {rounds} interleaved rounds");
            foreach (var m in methods) Answer(m, items.Take(Math.Min(3, items.Count)).ToArray()); // warm-up
            var measured = InterleavedRounds.Run(methods.Select(m => new BenchCase(m.Name, () => Answer(m, items))).ToArray(), 0, rounds,
                p => AnsiConsole.MarkupLineInterpolated($"  {p}"));
            var vanilla = measured[0];
            report.Section($"Evaluation throughput (testbed test split, {items.Count} questions, closed-set answers, {rounds} interleaved rounds)",
                ["method", "questions/s (median)", "ms per question", "wall s per pass (median)", "time vs vanilla (paired median [95% CI])"],
                measured.Select(m => new[]
                {
                    m.Name, BenchReport.F(items.Count / (m.Median / 1000), 2), BenchReport.Ms(m.Median / items.Count), BenchReport.F(m.Median / 1000, 2),
                    ReferenceEquals(m, vanilla) ? "1" : BenchReport.Interval(PairedStatistics.Ratio(vanilla, m)),
                }),
                $"Through MethodEvaluator.Answer (image decode, prompt, closed-set candidate scoring, answer file) with the embedded model {bundle.ModelId}. " +
                $"Blink: layers {blink.FirstLayer}–{blink.LastLayer}, p = {blink.PatchSize}; {tauNote}; {bankNote}.");
            report.Data("eval_throughput", new
            {
                questions = items.Count, rounds, tokensr = bankNote, thresholds = tauNote,
                methods = measured.Select(m => new { measurement = BenchReport.ToJson(m), questions_per_second = items.Count / (m.Median / 1000) }).ToArray(),
            });
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The study's trained bank (<c>STUDY/tokensr/tokensr.safetensors</c>) when it fits the model, else an untrained one.</summary>
    private static (TokenSRBank Bank, string Note) OpenBank(ModelBundle bundle, string studyFolder, Device device)
    {
        var config = bundle.Model.Config;
        var hidden = config.TextConfig.HiddenSize;
        var path = Path.Combine(studyFolder, "tokensr", "tokensr.safetensors");
        string why;
        if (File.Exists(path))
        {
            try
            {
                var bank = TokenSRBankFile.Load(path, hidden, device);
                bank.to(bundle.Model.DType);
                return (bank, $"TokenSR trained by the main job ({path})");
            }
            catch (InvalidDataException e)
            {
                why = $"{path} does not fit this model ({e.Message})";
            }
        }
        else why = $"no trained bank at {path} (run ./build.sh run)";
        var defaults = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize);
        var untrained = new TokenSRBank(Enumerable.Range(defaults.FirstLayer, defaults.LastLayer - defaults.FirstLayer + 1), hidden, TokenSRBank.DefaultWidth(hidden));
        untrained.to(device, bundle.Model.DType);
        untrained.eval();
        return (untrained, $"TokenSR untrained (same cost as a trained one; {why})");
    }

    /// <summary>τ_exp / τ_drop from the study's calibration.json when present (how often Blink expands sets its cost).</summary>
    private static (string Note, BlinkOptions Options) Calibrated(BlinkOptions blink, string studyFolder)
    {
        var path = Path.Combine(studyFolder, "calibration.json");
        if (!File.Exists(path)) return ($"default thresholds τ_exp = {blink.TauExpand:0.###}, τ_drop = {blink.TauDrop:0.###} (no {path})", blink);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var tauExp = doc.RootElement.GetProperty("TauExpand").GetDouble();
            var tauDrop = doc.RootElement.GetProperty("TauDrop").GetDouble();
            return ($"calibrated thresholds τ_exp = {tauExp:0.###}, τ_drop = {tauDrop:0.###} ({path})", blink with { TauExpand = tauExp, TauDrop = tauDrop });
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ($"default thresholds ({path} unreadable: {e.Message})", blink);
        }
    }
}
