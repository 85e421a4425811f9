using Blink.Workbench.Analysis;
using Blink.Workbench.Methods;
using Blink.Workbench.Plots;
using SkiaSharp;
using PlotAction = Blink.Workbench.Plots.BlinkAction;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Reporting;

/// <summary>
/// The pilot and results figures, built from plain results with the existing <see cref="Plots"/> builders. Heatmaps are
/// drawn over the picture as the model sees it (after padding or cropping), so the token grid lies exactly on it.
/// </summary>
public static class PilotFigures
{
    /// <summary>The sample's model-input view (caller disposes).</summary>
    public static SKBitmap InputView(SampleMaps sample) => PngEncoding.Decode(sample.InputViewPng);

    public static ImageBox? EvidenceBox(SampleMaps sample) => sample.EvidenceView is { Length: 4 } e
        ? new ImageBox(e[0], e[1], e[2], e[3], "evidence") : null;

    /// <summary>Row-major H·W values as a [rows, cols] grid.</summary>
    public static float[,] Grid(float[] map, int rows, int cols)
    {
        if (map.Length != rows * cols) throw new ArgumentException($"Expected {rows * cols} values, got {map.Length}.", nameof(map));
        var g = new float[rows, cols];
        for (var i = 0; i < map.Length; i++) g[i / cols, i % cols] = map[i];
        return g;
    }

    private static List<LayerAttention> LayerGrids(SampleMaps s, IReadOnlyCollection<int>? layers) => s.Layers
        .Where(l => layers is null || layers.Contains(l.Layer))
        .Select(l => new LayerAttention(l.Layer, Grid(l.Map, s.GridHeight, s.GridWidth), $"ρ = {l.Rho:0.00}")).ToList();

    private static string SampleTitle(SampleMaps s) => $"{s.Id} ({s.Category}): {Shorten(s.Prompt, 90)}";

    /// <summary>Interactive small multiples: one panel per layer, evidence box drawn.</summary>
    public static Figure LayerHeatmaps(SampleMaps sample, IReadOnlyCollection<int>? layers = null, int columns = 6)
    {
        using var view = InputView(sample);
        return AttentionCharts.LayerFigure(view, LayerGrids(sample, layers), EvidenceBox(sample), SampleTitle(sample), columns);
    }

    /// <summary>The same as a bitmap (caller disposes).</summary>
    public static SKBitmap LayerHeatmapsImage(SampleMaps sample, IReadOnlyCollection<int>? layers = null, int columns = 6, int tileSize = 160)
    {
        using var view = InputView(sample);
        return AttentionCharts.LayerSmallMultiples(view, LayerGrids(sample, layers), EvidenceBox(sample), SampleTitle(sample), columns, tileSize);
    }

    /// <summary>Per-head maps of one layer, or null when the study did not keep heads for it.</summary>
    public static Figure? HeadGrid(SampleMaps sample, int layer, int columns = 8)
    {
        var heads = HeadGrids(sample, layer);
        if (heads is null) return null;
        using var view = InputView(sample);
        return AttentionCharts.HeadFigure(view, layer, heads, EvidenceBox(sample), columns);
    }

    public static SKBitmap? HeadGridImage(SampleMaps sample, int layer, int columns = 8)
    {
        var heads = HeadGrids(sample, layer);
        if (heads is null) return null;
        using var view = InputView(sample);
        return AttentionCharts.HeadSmallMultiples(view, layer, heads, EvidenceBox(sample), columns);
    }

    private static List<float[,]>? HeadGrids(SampleMaps sample, int layer) =>
        sample.Layers.FirstOrDefault(l => l.Layer == layer)?.Heads?.Select(h => Grid(h, sample.GridHeight, sample.GridWidth)).ToList();

    private static MetricCurve Curve(string name, IReadOnlyList<LayerSummary> rows, Func<LayerSummary, MetricSummary?> pick, double scale = 1)
    {
        var withValue = rows.Where(r => pick(r) is not null).ToList();
        return new MetricCurve(name, withValue.Select(r => (double)r.Layer).ToArray(), withValue.Select(r => pick(r)!.Mean * scale).ToArray(),
            withValue.Select(r => pick(r)!.Lower * scale).ToArray(), withValue.Select(r => pick(r)!.Upper * scale).ToArray());
    }

    /// <summary>Metric-vs-layer curves with CI bands, one panel per metric.</summary>
    public static Figure MetricCurves(LayerAttentionResult r)
    {
        var rows = r.PerLayer;
        var panels = new List<MetricPanel>
        {
            new("attention on visual tokens", [Curve("mean", rows, l => l.VisualShare)], "share of attention"),
        };
        if (r.ItemsWithEvidence > 0)
        {
            panels.Add(new("visual attention inside the evidence box", [Curve("mean", rows, l => l.InBoxShare), Curve("uniform attention", rows, l => l.UniformInBoxShare)], "share"));
            panels.Add(new("IoU of the top region with the box", [Curve("mean", rows, l => l.TopRegionIoU)], "IoU"));
        }
        var uniformRho = (double)r.PatchSize * r.PatchSize / (r.GridHeight * r.GridWidth);
        panels.Add(new("concentration ρ", [Curve("mean", rows, l => l.Rho), Flat("uniform attention", rows, uniformRho)], "ρ"));
        panels.Add(new("entropy of visual attention (normalised)", [Curve("mean", rows, l => l.Entropy)], "H / log N"));
        panels.Add(new($"top-{r.TopK} overlap with the previous layer", [Curve("mean", rows, l => l.TopKJaccard)], "Jaccard"));
        return MetricCurveChart.CreatePanels(panels, $"Attention across layers ({r.Items} items, mean and {r.Level:P0} CI)", columns: 3);
    }

    private static MetricCurve Flat(string name, IReadOnlyList<LayerSummary> rows, double value) =>
        new(name, rows.Select(r => (double)r.Layer).ToArray(), rows.Select(_ => value).ToArray());

    /// <summary>The band criterion (in-box share, else ρ) per category, each with its CI band.</summary>
    public static Figure CategoryCurves(LayerAttentionResult r)
    {
        var useBox = r.ItemsWithEvidence > 0;
        var curves = r.PerCategory.Select(kv => Curve(kv.Key, kv.Value, l => useBox ? l.InBoxShare : l.Rho)).Where(c => c.X.Length > 0).ToList();
        return MetricCurveChart.Create(curves, useBox ? "Visual attention inside the evidence box, per category" : "Concentration ρ, per category",
            yTitle: useBox ? "in-box share" : "ρ");
    }

    /// <summary>ρ over items, one histogram per layer, τ_exp and τ_drop marked.</summary>
    public static Figure RhoHistograms(LayerAttentionResult r, IReadOnlyCollection<int>? layers = null, int columns = 4)
    {
        var values = r.ItemMetrics.Where(m => layers is null || layers.Contains(m.Layer)).GroupBy(m => m.Layer).OrderBy(g => g.Key)
            .Select(g => new LayerValues(g.Key, g.Select(m => m.Rho).ToArray())).ToList();
        return RhoHistogramChart.Create(values, r.TauExpand, r.TauDrop, columns: columns);
    }

    /// <summary>Blink's decisions on one sample as the chart's plain trace data.</summary>
    public static BlinkTraceData ToTraceData(BlinkTrace trace, BlinkOptions options, int gridSize, string? title = null)
    {
        var perSide = gridSize / options.PatchSize;
        var regions = new RegionGrid(gridSize, gridSize, options.PatchSize);
        var steps = trace.Events.Select(e => new BlinkLayerStep(e.Layer, e.Rho, e.Action switch
        {
            Methods.BlinkAction.Expand => PlotAction.Expand,
            Methods.BlinkAction.Drop => PlotAction.Drop,
            _ => PlotAction.None,
        }, e.Region is { } reg ? regions.IndexOf(reg) : e.Action == Methods.BlinkAction.None ? regions.IndexOf(e.Salient) : null)).ToList();
        return new BlinkTraceData(steps, options.TauExpand, options.TauDrop, perSide, title);
    }

    /// <summary>The Blink trace of one sample: ρ by layer with thresholds and actions, and the expanded region on the picture.</summary>
    public static Figure Trace(BlinkTraceData trace, SKBitmap? image = null) => BlinkTraceChart.Create(trace, image);

    /// <summary>Accuracy (with its CI) against the mean tokens processed per question summed over layers (thousands).</summary>
    public static Figure AccuracyCost(ResultsSummary results)
    {
        var points = results.Pooled.Select(r => new MethodResult(r.Method,
            r.Costs.TryGetValue("tokens_total", out var t) ? t / 1000 : double.NaN, r.Accuracy * 100, null,
            r.Lower * 100, r.Upper * 100)).Where(m => double.IsFinite(m.Cost)).ToList();
        if (points.Count == 0)
            points = results.Pooled.Select((r, i) => new MethodResult(r.Method, i, r.Accuracy * 100, null, r.Lower * 100, r.Upper * 100)).ToList();
        return AccuracyCostChart.Create(points, $"{results.Title ?? results.Benchmark}: accuracy vs. cost", "tokens processed per question, summed over layers (×1000)");
    }

    /// <summary>Accuracy per category and method with Wilson CIs (the pooled row when there are no categories).</summary>
    public static Figure CategoryBars(ResultsSummary results)
    {
        var categories = results.Rows.Select(r => r.Category).Where(c => c != Evaluation.ResultsTable.AllCategory).Distinct().Order(StringComparer.Ordinal).ToList();
        if (categories.Count == 0) categories = [Evaluation.ResultsTable.AllCategory];
        var methods = results.Rows.Select(r => r.Method).Distinct().ToList();
        var scores = methods.Select(m =>
        {
            var byCat = results.Rows.Where(r => r.Method == m).ToDictionary(r => r.Category);
            ResultsSummaryRow? Row(string c) => byCat.TryGetValue(c, out var row) ? row : null;
            return new CategoryScores(m,
                categories.Select(c => (Row(c)?.Accuracy ?? double.NaN) * 100).ToArray(),
                categories.Select(c => (Row(c)?.Lower ?? double.NaN) * 100).ToArray(),
                categories.Select(c => (Row(c)?.Upper ?? double.NaN) * 100).ToArray());
        }).ToList();
        return CategoryBarChart.Create(categories, scores, $"{results.Title ?? results.Benchmark}: accuracy per category", yMin: 0, yMax: 100);
    }

    /// <summary>Loss curves of training runs.</summary>
    public static Figure LossCurves(IReadOnlyList<LossRun> runs, string title = "Training loss") => LossCurveChart.Create(runs, title);

    /// <summary>A training run from (step, loss) points, optionally with validation points.</summary>
    public static LossRun LossSeries(string name, IEnumerable<(double Step, double Loss)> train, IEnumerable<(double Step, double Loss)>? validation = null)
    {
        var t = train.ToArray();
        var v = validation?.ToArray();
        return new LossRun(name, t.Select(p => p.Step).ToArray(), t.Select(p => p.Loss).ToArray(), v?.Select(p => p.Step).ToArray(), v?.Select(p => p.Loss).ToArray());
    }

    internal static string Shorten(string text, int max)
    {
        var flat = text.Replace('\n', ' ').Trim();
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }
}
