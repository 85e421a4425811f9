using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Workbench.Analysis;

/// <summary>
/// Pilot study 2 (paper-notes §1): does more computation on salient tokens help? At one layer, force one interpolation
/// expansion of the most attended region, a random region and the evidence region, and compare each with vanilla on the
/// same items (paired bootstrap CI and McNemar via <see cref="MethodEvaluator"/>). Items without evidence boxes drop
/// the evidence arm rather than failing.
/// </summary>
public static class ForcedExpansionStudy
{
    /// <summary>The methods this study runs at <paramref name="layer"/> (vanilla first: it is the baseline).</summary>
    public static IReadOnlyList<MethodSpec> Methods(BlinkOptions blink, int layer, bool haveEvidence) =>
        MethodCatalog.ForcedExpansion(blink, layer).Where(m => haveEvidence || !m.UsesGroundTruth).ToArray();

    /// <summary>Answers (resumable, in <c>options.OutputDirectory/answers</c>), scores and returns the paired table.</summary>
    public static ResultsTable Run(MethodRunner runner, IBenchmark benchmark, IReadOnlyList<BenchmarkItem> items, int layer,
        EvaluationOptions options, BlinkOptions? blink = null, IProgress<EvaluationProgress>? progress = null, CancellationToken ct = default)
    {
        var config = runner.Bundle.Model.Config;
        blink ??= BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize);
        if (layer < 0 || layer >= config.TextConfig.NumHiddenLayers - 1)
            throw new ArgumentException($"Forced expansion layer {layer} must be between 0 and {config.TextConfig.NumHiddenLayers - 2} (a layer must follow the expansion).");
        var methods = Methods(blink, layer, items.All(i => i.Evidence is not null));
        var evaluator = new MethodEvaluator(runner);
        evaluator.Answer(benchmark, items, methods, options with { Baseline = "vanilla" }, progress, ct);
        return MethodEvaluator.Score(benchmark, items, methods, options with { Baseline = "vanilla" });
    }
}
