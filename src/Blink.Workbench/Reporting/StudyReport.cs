using System.Globalization;
using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation;
using System.Text.Json.Nodes;
using Blink.Workbench.Plots;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Reporting;

/// <summary>
/// One self-contained HTML page per run (<see cref="HtmlReport"/>). It opens with the answer: a summary block with the
/// headline numbers, a forest plot of Δ vs the baseline for every method (pooled and per category) and the pilot's
/// recommended layer band. Then each results table as a compact method × category matrix (the full per-row table
/// collapsed below it) with accuracy-vs-cost and per-category charts, the pilot's figures and tables, training curves,
/// Blink traces, and the configuration and environment (collapsed). Every figure links the run file it was drawn
/// from. Curves and charts are interactive (plotly.js inlined once); attention heatmaps are PNGs, which keeps the
/// page light.
/// </summary>
public static class StudyReport
{
    public static HtmlReport Build(StudyReportInput input)
    {
        var report = new HtmlReport(input.Title, input.Subtitle);
        AddSummary(report, input);
        if (input.Decomposition is { } decomposition) AddDecomposition(report, decomposition);
        foreach (var results in input.Results ?? []) AddResults(report, results);
        if (input.Pilot is { } pilot) AddPilot(report, pilot, input);
        if (input.TrainingCurves is { Count: > 0 } curves)
            report.Section("Training").Figure(PilotFigures.LossCurves(curves), "Training loss per step (validation dashed, where recorded).", input.TrainingSources);
        if (input.Traces is { Count: > 0 } traces)
        {
            report.Section("Blink traces").Paragraph(
                "ρ of the last prompt token per participating layer, the thresholds, and where Blink expanded (▲) or dropped (▼) a region; " +
                "the right panel shows the expanded region on the picture.");
            foreach (var t in traces)
            {
                using var image = t.ImagePng is null ? null : PngEncoding.Decode(t.ImagePng);
                report.Figure(PilotFigures.Trace(t.Trace, image), t.Trace.Title, input.TraceSources);
            }
        }
        if (input.Configuration is { Count: > 0 } config)
        {
            report.BeginDetails("Configuration", "configuration");
            report.Table(["setting", "value"], config.Select(e => (IReadOnlyList<string>)[e.Name, e.Value]));
            report.EndDetails();
        }
        var environment = ReportEnvironment.Capture();
        environment.Add(new("TorchSharp", typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?"));
        environment.AddRange((input.Environment ?? []).Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        report.Environment(environment);
        return report;
    }

    public static string Save(StudyReportInput input, string path) => Build(input).Save(path);

    /// <summary>The summary block: headline sentences, the forest plot and the pilot's band, each in one sentence.</summary>
    private static void AddSummary(HtmlReport report, StudyReportInput input)
    {
        var main = StudyReportSummary.Main(input.Results);
        if (main is null && input.Pilot is null) return;
        report.RawHtml("<section class=\"summary\" id=\"summary\">");
        report.Section("Summary");
        if (main is not null)
        {
            foreach (var line in StudyReportSummary.Headline(main))
                report.RawHtml("<p class=\"headline\">" + HtmlText.Encode(line) + "</p>");
            var (json, height) = StudyReportSummary.ForestPlot(main);
            report.PlotlyFigure(json, height,
                $"Each row is a method: the black diamond is Δ on all {main.Row(main.Baseline!, ResultsTable.AllCategory)?.N} questions, the coloured dots are the categories; " +
                "filled when the 95% interval excludes 0, open when it does not.", main.Sources, StudyReportSummary.ForestPlotId);
        }
        if (input.Pilot is { } pilot)
        {
            var band = pilot.Band;
            report.RawHtml("<p class=\"headline\">" + HtmlText.Encode(
                $"The pilot recommends Blink layers {band.First}–{band.Last} (peak {band.Peak}, {band.Criterion}" + (band.FromData ? "" : "; a fallback, not found in the data") +
                $"): {band.Explanation}") + "</p>");
            report.Sources(input.PilotSources);
        }
        report.RawHtml("</section>");
    }

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
        var src = input.PilotSources;
        report.Figure(PilotFigures.MetricCurves(r), "Metric per layer with its confidence band.", src);
        if (r.PerCategory.Count > 1) report.Figure(PilotFigures.CategoryCurves(r), "The band criterion per question category.", src);
        report.Figure(PilotFigures.RhoHistograms(r), $"ρ over items per layer; τ_exp = {r.TauExpand:0.###} and τ_drop = {r.TauDrop:0.###} are the model's Blink defaults.", src);

        var samples = r.Samples.Take(Math.Max(0, input.HeatmapSamples)).ToList();
        if (samples.Count > 0)
        {
            report.Section("Attention over the image, per layer", 3)
                  .Paragraph("Each tile is scaled to its own range (attention mass differs a lot between layers); the evidence box is drawn where known.");
            foreach (var s in samples)
            {
                using var png = PilotFigures.LayerHeatmapsImage(s);
                report.Image(png, $"{s.Id} ({s.Category}): {PilotFigures.Shorten(s.Prompt, 120)}", sources: src);
            }
        }
        var headLayer = input.HeadLayer ?? r.Samples.SelectMany(s => s.Layers).FirstOrDefault(l => l.Heads is not null)?.Layer;
        if (headLayer is { } hl && r.Samples.FirstOrDefault(s => s.Layers.Any(l => l.Layer == hl && l.Heads is not null)) is { } hs)
        {
            using var heads = PilotFigures.HeadGridImage(hs, hl);
            if (heads is not null) report.Section($"Per head at layer {hl}", 3).Image(heads, $"{hs.Id}: last prompt token's attention per head at layer {hl}.", sources: src);
        }
    }

    private static void AddResults(HtmlReport report, ResultsSummary results)
    {
        report.Section(results.Title ?? $"Results: {results.Benchmark}");
        var paired = results.Baseline is not null;
        if (paired && results.Rows.Any(r => r.Delta is not null))
        {
            report.RawHtml(StudyReportSummary.Matrix(results));
            report.Sources(results.Sources);
        }
        report.Figure(PilotFigures.AccuracyCost(results), "Accuracy (Wilson CI) against compute.", results.Sources);
        report.Figure(PilotFigures.CategoryBars(results), "Accuracy per category.", results.Sources);

        var headers = new List<string> { "method", "category", "n", "accuracy % [CI]" };
        if (paired) headers.AddRange([$"Δ vs {results.Baseline} (pp) [CI]", "McNemar p"]);
        var costKeys = results.Rows.SelectMany(r => r.Costs.Keys).Distinct().ToList();
        var metricKeys = results.Rows.SelectMany(r => r.Metrics.Keys).Distinct().ToList();
        headers.AddRange(metricKeys);
        headers.AddRange(costKeys);
        report.BeginDetails($"Full table: {results.Rows.Count} rows (method × category), with costs and metrics");
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
        report.Sources(results.Sources);
        report.EndDetails();
    }

    /// <summary>Region source × representation: the statements, the pooled table, the figure, per category collapsed.</summary>
    private static void AddDecomposition(HtmlReport report, DecompositionReport d)
    {
        report.Section("Where the zoom headroom goes");
        foreach (var line in d.Data["statements"]?.AsArray().Select(n => n?.GetValue<string>()).OfType<string>() ?? [])
            report.RawHtml("<p class=\"headline\">" + HtmlText.Encode(line) + "</p>");
        var sources = d.Data["sources"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var representations = d.Data["representations"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var cells = d.Data["cells"]!.AsArray().Select(n => n!.AsObject()).ToArray();
        var categories = cells.Select(c => c["category"]!.GetValue<string>()).Distinct().ToArray();
        static double V(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();
        void Table(string category, string caption)
        {
            report.Table(["region source", .. representations], sources.Select(s => (IReadOnlyList<string>)[s, .. representations.Select(r =>
            {
                var c = cells.FirstOrDefault(x => x["source"]!.GetValue<string>() == s && x["representation"]!.GetValue<string>() == r && x["category"]!.GetValue<string>() == category);
                if (c is null) return "—";
                var ci = c["delta_ci"]!.AsArray();
                return $"{F(V(c["accuracy"]) * 100, 1)}%, Δ {S(V(c["delta"]) * 100)} [{S(V(ci[0]) * 100)}, {S(V(ci[1]) * 100)}], Holm p {F(V(c["holm_p"]), 3)}";
            })]), caption);
        }
        Table(ResultsTable.AllCategory, "All categories: accuracy, Δ vs vanilla (points) with its paired bootstrap 95% CI, exact McNemar p Holm-adjusted over the cells of the category.");
        report.Figure(DecompositionChart.Create(d.Data), "Δ vs vanilla by representation (x) and region source (bars), 95% CI.", d.Sources);
        report.BeginDetails($"Per category ({categories.Length - 1})");
        foreach (var category in categories.Where(c => c != ResultsTable.AllCategory)) Table(category, category);
        report.EndDetails();
        report.Sources(d.Sources);
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double? v, int digits) => v is { } d && double.IsFinite(d) ? d.ToString("F" + digits, CultureInfo.InvariantCulture) : "—";

    private static string S(double? v) => v is { } d && double.IsFinite(d) ? (d >= 0 ? "+" : "") + d.ToString("F2", CultureInfo.InvariantCulture) : "—";

    private static string M(MetricSummary? m, bool ci = true) => m is null ? "—"
        : ci && double.IsFinite(m.Lower) ? $"{F(m.Mean, 3)} [{F(m.Lower, 3)}, {F(m.Upper, 3)}]" : F(m.Mean, 3);
}
