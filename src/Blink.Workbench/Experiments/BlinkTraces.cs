using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Reporting;

namespace Blink.Workbench.Experiments;

/// <summary>Blink's per-layer decisions on a few questions, each with the picture as the model saw it (for the report's trace figures).</summary>
public static class BlinkTraces
{
    public static List<TraceSample> Record(MethodRunner runner, MethodSpec spec, IBenchmark benchmark, IReadOnlyList<BenchmarkItem> items)
    {
        var bundle = runner.Bundle;
        var options = spec.Blink ?? throw new ArgumentException($"method {spec.Name} is not a Blink method and has no trace", nameof(spec));
        var grid = bundle.Model.Config.VisionConfig.GridSize;
        var list = new List<TraceSample>();
        for (var i = 0; i < items.Count; i++)
        {
            using var image = items[i].Image.Decode();
            var answer = runner.Answer(spec, new MethodInput(image, items[i].Prompt, i, items[i].Evidence, benchmark.CandidateAnswers(items[i])));
            if (answer.Trace is null) continue;
            var data = PilotFigures.ToTraceData(answer.Trace, options, grid, $"{items[i].Id.Text} ({items[i].Category}): {spec.Name} → {answer.Text} (truth: {items[i].GroundTruth})");
            using var input = ModelInputView.Render(image, bundle.Preprocessor.GeometryFor(image.Width, image.Height), bundle.Preprocessor.Options.PadColor);
            list.Add(new TraceSample(data, PngEncoding.Encode(input)));
        }
        return list;
    }
}
