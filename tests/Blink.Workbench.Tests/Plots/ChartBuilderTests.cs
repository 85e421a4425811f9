using System.Text.Json;
using Blink.Workbench.Plots;
using SkiaSharp;

namespace Blink.Workbench.Tests.Plots;

/// <summary>Every workbench chart renders to PNG and to Plotly JSON with the elements it promises.</summary>
public class ChartBuilderTests
{
    private static JsonElement Json(Figure f) => JsonDocument.Parse(f.ToPlotlyJson()).RootElement.Clone();

    private static void RenderAndSave(Figure figure, string name)
    {
        using var bitmap = figure.RenderBitmap();
        Assert.Equal(figure.Width, bitmap.Width);
        Assert.Equal(figure.Height, bitmap.Height);
        Assert.True(FigureTests.DistinctColours(bitmap) > 30, $"{name} looks blank");
        PlotArtifacts.Save(bitmap, name);
    }

    [Fact]
    public void Layer_small_multiples_png_has_one_tile_per_layer_and_a_colour_bar()
    {
        using var picture = PlotSamples.Picture();
        var layers = PlotSamples.Layers();
        using var bitmap = AttentionCharts.LayerSmallMultiples(picture, layers, ImageBox.FromGridRegion(0, 2, "evidence"), "Where the model looks", columns: 4, tileSize: 180);
        Assert.True(bitmap.Width > 4 * 180 && bitmap.Width < 4 * 180 + 200);
        Assert.True(bitmap.Height > 2 * 180 && bitmap.Height < 2 * 180 + 200);
        PlotArtifacts.Save(bitmap, "attention-layers.png");

        using var heads = AttentionCharts.HeadSmallMultiples(picture, 14, Enumerable.Range(0, 8).Select(h => PlotSamples.Bump(12, h, 11 - h, 1.5)).ToList());
        PlotArtifacts.Save(heads, "attention-heads.png");
    }

    [Fact]
    public void Layer_figure_is_a_subplot_grid_with_the_picture_under_each_heatmap()
    {
        using var picture = PlotSamples.Picture();
        var figure = AttentionCharts.LayerFigure(picture, PlotSamples.Layers(), ImageBox.FromGridRegion(0, 2, "evidence"));
        var json = Json(figure);
        Assert.Equal(8, json.GetProperty("data").GetArrayLength());
        Assert.All(json.GetProperty("data").EnumerateArray(), t => Assert.Equal("heatmap", t.GetProperty("type").GetString()));
        Assert.Equal(1, json.GetProperty("data").EnumerateArray().Count(t => t.GetProperty("showscale").GetBoolean()));
        Assert.Equal(8, json.GetProperty("layout").GetProperty("images").GetArrayLength());
        Assert.StartsWith("data:image/jpeg;base64,", json.GetProperty("layout").GetProperty("images")[0].GetProperty("source").GetString());
        Assert.Equal(8, json.GetProperty("layout").GetProperty("shapes").GetArrayLength());
        RenderAndSave(figure, "attention-layers-figure.png");
    }

    [Fact]
    public void Blink_trace_marks_thresholds_expand_and_drop()
    {
        using var picture = PlotSamples.Picture();
        var figure = BlinkTraceChart.Create(PlotSamples.Trace(), picture);
        var json = Json(figure);
        var names = json.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("expanded", names);
        Assert.Contains("dropped", names);
        var shapes = json.GetProperty("layout").GetProperty("shapes").EnumerateArray().ToList();
        Assert.Contains(shapes, s => s.GetProperty("type").GetString() == "line" && s.GetProperty("y0").GetDouble() == 0.55);
        Assert.Contains(shapes, s => s.GetProperty("type").GetString() == "line" && s.GetProperty("y0").GetDouble() == 0.3);
        RenderAndSave(figure, "blink-trace.png");
        using var regions = BlinkTraceChart.RenderRegionsOnImage(picture, PlotSamples.Trace(), PlotSamples.Bump(24, 6.7, 6.7, 2.5));
        PlotArtifacts.Save(regions, "blink-trace-regions.png");
    }

    [Fact]
    public void Metric_curves_draw_confidence_bands_as_filled_areas()
    {
        double[] x = Enumerable.Range(0, 32).Select(i => (double)i).ToArray();
        MetricCurve Curve(string name, double shift) => new(name, x,
            x.Select(l => shift + 0.4 * Math.Exp(-Math.Pow((l - 14) / 6, 2))).ToArray(),
            x.Select(l => shift + 0.4 * Math.Exp(-Math.Pow((l - 14) / 6, 2)) - 0.05).ToArray(),
            x.Select(l => shift + 0.4 * Math.Exp(-Math.Pow((l - 14) / 6, 2)) + 0.05).ToArray());
        var figure = MetricCurveChart.Create([Curve("concentration ρ", 0.2), Curve("evidence mass", 0.1)], "Metrics by layer", yTitle: "value");
        var fills = Json(figure).GetProperty("data").EnumerateArray().Count(t => t.TryGetProperty("fill", out var f) && f.GetString() == "tonexty");
        Assert.Equal(2, fills);
        RenderAndSave(figure, "metric-curves.png");
        var panels = MetricCurveChart.CreatePanels(
            [new MetricPanel("ρ", [Curve("blink", 0.2), Curve("baseline", 0.1)]), new MetricPanel("evidence mass", [Curve("blink", 0.3), Curve("baseline", 0.15)])],
            "Two metrics");
        RenderAndSave(panels, "metric-panels.png");
    }

    [Fact]
    public void Rho_histograms_have_a_panel_per_layer_with_both_thresholds()
    {
        var rng = new Random(7);
        var layers = Enumerable.Range(0, 6).Select(l => new LayerValues(l * 5, Enumerable.Range(0, 300).Select(_ => Math.Clamp(0.15 + l * 0.08 + 0.12 * (rng.NextDouble() + rng.NextDouble() - 1), 0, 1)).ToArray())).ToList();
        var figure = RhoHistogramChart.Create(layers, tauExpand: 0.5, tauDrop: 0.25, columns: 3);
        var json = Json(figure);
        Assert.Equal(6, json.GetProperty("data").GetArrayLength());
        Assert.Equal(12, json.GetProperty("layout").GetProperty("shapes").GetArrayLength());
        Assert.Equal(300, json.GetProperty("data")[0].GetProperty("y").EnumerateArray().Sum(v => v.GetInt32()));
        RenderAndSave(figure, "rho-histograms.png");
    }

    [Fact]
    public void Accuracy_cost_scatter_has_error_bars_on_both_axes()
    {
        var figure = AccuracyCostChart.Create(
        [
            new MethodResult("baseline", 8.1, 61.2, 0.2, 59.8, 62.6),
            new MethodResult("Blink", 8.9, 64.0, 0.3, 62.5, 65.4),
            new MethodResult("Blink (drop only)", 6.5, 60.1, 0.2, 58.6, 61.5),
            new MethodResult("2× tokens", 16.4, 64.8, 0.4, 63.4, 66.1),
        ]);
        var first = Json(figure).GetProperty("data")[0];
        Assert.Equal(1.4, first.GetProperty("error_y").GetProperty("arrayminus")[0].GetDouble(), 9);
        Assert.Equal(0.2, first.GetProperty("error_x").GetProperty("array")[0].GetDouble(), 9);
        RenderAndSave(figure, "accuracy-cost.png");
    }

    [Fact]
    public void Loss_curves_show_train_and_validation_for_each_run()
    {
        double[] steps = Enumerable.Range(0, 200).Select(i => (double)i * 10).ToArray();
        double[] val = Enumerable.Range(0, 10).Select(i => (double)i * 200 + 100).ToArray();
        LossRun Run(string name, double scale) => new(name, steps, steps.Select(s => scale * (0.5 + 2 * Math.Exp(-s / 500)) + 0.05 * Math.Sin(s / 7)).ToArray(),
            val, val.Select(s => scale * (0.6 + 2 * Math.Exp(-s / 500))).ToArray());
        var figure = LossCurveChart.Create([Run("TokenSR lr=1e-3", 1), Run("TokenSR lr=3e-4", 1.15)]);
        Assert.Equal(4, Json(figure).GetProperty("data").GetArrayLength());
        Assert.Equal(4, figure.LegendEntries().Count);
        RenderAndSave(figure, "loss-curves.png");
    }

    [Fact]
    public void Category_bars_are_grouped_with_ci_error_bars()
    {
        string[] cats = ["attribute", "counting", "OCR", "position", "existence"];
        var figure = CategoryBarChart.Create(cats,
        [
            new CategoryScores("baseline", [61, 48, 35, 55, 80], [58, 45, 32, 52, 78], [64, 51, 38, 58, 82]),
            new CategoryScores("Blink", [66, 50, 42, 58, 81], [63, 47, 39, 55, 79], [69, 53, 45, 61, 83]),
            new CategoryScores("2× tokens", [67, 51, 44, 57, 82], [64, 48, 41, 54, 80], [70, 54, 47, 60, 84]),
        ], yMin: 0, yMax: 100);
        var json = Json(figure);
        Assert.Equal("group", json.GetProperty("layout").GetProperty("barmode").GetString());
        Assert.Equal(3, json.GetProperty("data").GetArrayLength());
        Assert.Throws<ArgumentException>(() => CategoryBarChart.Create(cats, [new CategoryScores("x", [1, 2])]));
        RenderAndSave(figure, "category-bars.png");

        // Second member of the group for category 0 sits at x ∈ [-0.4 + 0.8/3, -0.4 + 1.6/3]: its colour is Blink's.
        using var bitmap = figure.RenderBitmap();
        var rect = new FigureLayout(figure).PlotRects[0];
        var (xr, _) = AxisRange.For(figure.Panels[0]);
        float px = rect.Left + (float)xr.Normalize(-0.4 + 0.8 / 3 * 1.5) * rect.Width;
        float py = rect.Bottom - 0.3f * rect.Height;
        Assert.Equal(figure.ColorOf(figure.Panels[0].Series[1]), bitmap.GetPixel((int)px, (int)py));
    }
}
