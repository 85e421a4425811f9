using System.Globalization;
using Blink.Workbench.Analysis;
using Blink.Workbench.Plots;

namespace Blink.Workbench.Reporting;

/// <summary>
/// One self-contained HTML page per run (<see cref="HtmlReport"/>): configuration, pilot figures and tables, results
/// tables with accuracy-vs-cost and per-category charts, training curves, Blink traces and the environment. Curves and
/// charts are interactive (plotly.js inlined once); attention heatmaps are PNGs, which keeps the page light.
/// </summary>
public static class StudyReport
{
    public static HtmlReport Build(StudyReportInput input)
    {
        var report = new HtmlReport(input.Title, input.Subtitle);
        if (input.Configuration is { Count: > 0 } config)
            report.Section("Configuration").Table(["setting", "value"], config.Select(e => (IReadOnlyList<string>)[e.Name, e.Value]));
        if (input.Pilot is { } pilot) AddPilot(report, pilot, input);
        foreach (var results in input.Results ?? []) AddResults(report, results);
        if (input.TrainingCurves is { Count: > 0 } curves)
            report.Section("Training").Figure(PilotFigures.LossCurves(curves), "Training loss per step (validation dashed, where recorded).");
        if (input.Traces is { Count: > 0 } traces)
        {
            report.Section("Blink traces").Paragraph(
                "ρ of the last prompt token per participating layer, the thresholds, and where Blink expanded (▲) or dropped (▼) a region; " +
                "the right panel shows the expanded region on the picture.");
            foreach (var t in traces)
            {
                using var image = t.ImagePng is null ? null : PngEncoding.Decode(t.ImagePng);
                report.Figure(PilotFigures.Trace(t.Trace, image), t.Trace.Title);
            }
        }
        var environment = ReportEnvironment.Capture();
        environment.Add(new("TorchSharp", typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?"));
        environment.AddRange((input.Environment ?? []).Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        report.Environment(environment);
        return report;
    }

    public static string Save(StudyReportInput input, string path) => Build(input).Save(path);

    private static void AddPilot(HtmlReport report, LayerAttentionResult r, StudyReportInput input)
    {
        report.Section("Pilot 1: where the model looks, layer by layer");
        report.Paragraph(
            $"{r.ModelId}: attention of the last prompt token over the {r.GridHeight}×{r.GridWidth} visual grid (mean over heads) in each of " +
            $"{r.DecoderLayers} decoder layers, on {r.Items} items ({r.ItemsWithEvidence} with an evidence box). ρ uses p = {r.PatchSize} " +
            $"({r.GridHeight / r.PatchSize}×{r.GridWidth / r.PatchSize} regions; uniform attention gives ρ = {(double)r.PatchSize * r.PatchSize / (r.GridHeight * r.GridWidth):0.###}); " +
            $"the layer-to-layer overlap uses the top {r.TopK} tokens. Means with {r.Level:P0} t-intervals over items.");
        var band = r.Band;
        report.Paragraph($"Recommended Blink band: layers {band.First}–{band.Last} (peak {band.Peak}). {band.Explanation}" +
                         (band.FromData ? "" : " (fallback, not found in the data)") + "\n\nRule: " + LayerBand.Rule);
        var hasBox = r.ItemsWithEvidence > 0;
        var headers = new List<string> { "layer", "n", "visual share" };
        if (hasBox) headers.AddRange(["in-box share", "uniform", "top-region IoU"]);
        headers.AddRange(["entropy", "ρ", $"top-{r.TopK} Jaccard"]);
        report.Table(headers, r.PerLayer.Select(l =>
        {
            var cells = new List<string> { I(l.Layer) + (l.Layer >= band.First && l.Layer <= band.Last ? " *" : ""), I(l.Items), M(l.VisualShare) };
            if (hasBox) cells.AddRange([M(l.InBoxShare), M(l.UniformInBoxShare, ci: false), M(l.TopRegionIoU)]);
            cells.AddRange([M(l.Entropy), M(l.Rho), M(l.TopKJaccard)]);
            return (IReadOnlyList<string>)cells;
        }), "Per layer: mean [CI]; * marks the recommended band.");
        report.Figure(PilotFigures.MetricCurves(r), "Metric per layer with its confidence band.");
        if (r.PerCategory.Count > 1) report.Figure(PilotFigures.CategoryCurves(r), "The band criterion per question category.");
        report.Figure(PilotFigures.RhoHistograms(r), $"ρ over items per layer; τ_exp = {r.TauExpand:0.###} and τ_drop = {r.TauDrop:0.###} are the model's Blink defaults.");

        var samples = r.Samples.Take(Math.Max(0, input.HeatmapSamples)).ToList();
        if (samples.Count > 0)
        {
            report.Section("Attention over the image, per layer", 3)
                  .Paragraph("Each tile is scaled to its own range (attention mass differs a lot between layers); the evidence box is drawn where known.");
            foreach (var s in samples)
            {
                using var png = PilotFigures.LayerHeatmapsImage(s);
                report.Image(png, $"{s.Id} ({s.Category}): {PilotFigures.Shorten(s.Prompt, 120)}");
            }
        }
        var headLayer = input.HeadLayer ?? r.Samples.SelectMany(s => s.Layers).FirstOrDefault(l => l.Heads is not null)?.Layer;
        if (headLayer is { } hl && r.Samples.FirstOrDefault(s => s.Layers.Any(l => l.Layer == hl && l.Heads is not null)) is { } hs)
        {
            using var heads = PilotFigures.HeadGridImage(hs, hl);
            if (heads is not null) report.Section($"Per head at layer {hl}", 3).Image(heads, $"{hs.Id}: last prompt token's attention per head at layer {hl}.");
        }
    }

    private static void AddResults(HtmlReport report, ResultsSummary results)
    {
        report.Section(results.Title ?? $"Results: {results.Benchmark}");
        var headers = new List<string> { "method", "category", "n", "accuracy % [CI]" };
        var paired = results.Baseline is not null;
        if (paired) headers.AddRange([$"Δ vs {results.Baseline} (pp) [CI]", "McNemar p"]);
        var costKeys = results.Rows.SelectMany(r => r.Costs.Keys).Distinct().ToList();
        var metricKeys = results.Rows.SelectMany(r => r.Metrics.Keys).Distinct().ToList();
        headers.AddRange(metricKeys);
        headers.AddRange(costKeys);
        report.Table(headers, results.Rows.Select(r =>
        {
            var cells = new List<string> { r.Method, r.Category, I(r.N), $"{F(r.Accuracy * 100, 1)} [{F(r.Lower * 100, 1)}, {F(r.Upper * 100, 1)}]" };
            if (paired)
            {
                cells.Add(r.Delta is { } d ? $"{S(d * 100)} [{S(r.DeltaLower * 100)}, {S(r.DeltaUpper * 100)}]" : "—");
                cells.Add(r.McNemarP is { } p ? p.ToString(p < 1e-4 ? "0.0e+0" : "0.0000", CultureInfo.InvariantCulture) : "—");
            }
            cells.AddRange(metricKeys.Select(k => r.Metrics.TryGetValue(k, out var v) ? F(v, 3) : ""));
            cells.AddRange(costKeys.Select(k => r.Costs.TryGetValue(k, out var v) ? F(v, 1) : ""));
            return (IReadOnlyList<string>)cells;
        }), "Accuracy with Wilson interval; Δ with paired bootstrap interval on the same items; exact McNemar test.");
        report.Figure(PilotFigures.AccuracyCost(results), "Accuracy (Wilson CI) against compute.");
        report.Figure(PilotFigures.CategoryBars(results), "Accuracy per category.");
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double? v, int digits) => v is { } d && double.IsFinite(d) ? d.ToString("F" + digits, CultureInfo.InvariantCulture) : "—";

    private static string S(double? v) => v is { } d && double.IsFinite(d) ? (d >= 0 ? "+" : "") + d.ToString("F2", CultureInfo.InvariantCulture) : "—";

    private static string M(MetricSummary? m, bool ci = true) => m is null ? "—"
        : ci && double.IsFinite(m.Lower) ? $"{F(m.Mean, 3)} [{F(m.Lower, 3)}, {F(m.Upper, 3)}]" : F(m.Mean, 3);
}
