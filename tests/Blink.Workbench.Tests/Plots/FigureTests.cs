using System.Text.Json;
using System.Text.RegularExpressions;
using Blink.Workbench.Plots;
using SkiaSharp;

namespace Blink.Workbench.Tests.Plots;

public class FigureTests
{
    private static readonly SKColor Red = new(220, 30, 30);

    private static Figure BarFigure() => Figure.Single(new ChartPanel
    {
        XAxis = new AxisSpec { Categories = ["a", "b", "c"] },
        YAxis = new AxisSpec { Title = "score", Min = 0, Max = 10 },
        Series = [new BarSeries { Name = "method", Values = [2, 8, 5], Color = Red, ErrorMinus = [1, 1, 1], ErrorPlus = [1, 1, 1] }],
    }, "Bars", 600, 400);

    [Fact]
    public void Figure_html_inlines_plotly_js_exactly_once_and_loads_nothing_from_the_network()
    {
        var html = BarFigure().ToHtml();
        Assert.Single(Regex.Matches(html, @"\* plotly\.js v" + Regex.Escape(OfflinePlotlyPage.PlotlyJsVersion) + @"\b"));
        Assert.Single(Regex.Matches(html, @"Plotly\.newPlot\(""figure-"));
        Assert.DoesNotMatch(@"<script[^>]*\bsrc\s*=", html);
        Assert.DoesNotMatch(@"<link[^>]*href\s*=\s*""https?:", html);
        Assert.DoesNotContain("requirejs", html);
        Assert.True(html.Length > 3_000_000, "plotly.js must be inlined, not referenced");
    }

    [Fact]
    public void Plotly_json_carries_the_model_ranges_and_error_bars()
    {
        using var doc = JsonDocument.Parse(BarFigure().ToPlotlyJson());
        var trace = doc.RootElement.GetProperty("data")[0];
        Assert.Equal("bar", trace.GetProperty("type").GetString());
        Assert.Equal(8, trace.GetProperty("y")[1].GetDouble());
        Assert.Equal(1, trace.GetProperty("error_y").GetProperty("array")[0].GetDouble());
        var yaxis = doc.RootElement.GetProperty("layout").GetProperty("yaxis");
        Assert.Equal(0, yaxis.GetProperty("range")[0].GetDouble());
        Assert.Equal(10, yaxis.GetProperty("range")[1].GetDouble());
        Assert.Equal("b", doc.RootElement.GetProperty("layout").GetProperty("xaxis").GetProperty("ticktext")[1].GetString());
        // Same figure, same JSON: no random ids or timestamps.
        Assert.Equal(BarFigure().ToPlotlyJson(), BarFigure().ToPlotlyJson());
    }

    [Fact]
    public void Plotly_json_carries_its_config_and_no_plotly_net_types()
    {
        using var doc = JsonDocument.Parse(BarFigure().ToPlotlyJson());
        Assert.False(doc.RootElement.GetProperty("config").GetProperty("displaylogo").GetBoolean());
        Assert.Equal("bar", doc.RootElement.GetProperty("data")[0].GetProperty("type").GetString());
        // The library must load in the .NET Interactive kernel, whose FSharp.Core (10.0) Plotly.NET 6 cannot use.
        Assert.DoesNotContain(typeof(Figure).Assembly.GetReferencedAssemblies(), a => a.Name is "Plotly.NET" or "FSharp.Core");
    }

    [Fact]
    public void Bar_png_has_the_expected_size_and_the_bar_colour_inside_a_known_bar()
    {
        var figure = BarFigure();
        using var bitmap = figure.RenderBitmap();
        Assert.Equal(600, bitmap.Width);
        Assert.Equal(400, bitmap.Height);
        var rect = new FigureLayout(figure).PlotRects[0];
        // Category "b" (x = 1), value 8 of 0..10: halfway up the bar is y = 4.
        float px = rect.Left + (1 + 0.5f) / 3f * rect.Width;
        float py = rect.Bottom - 0.4f * rect.Height;
        Assert.Equal(Red, bitmap.GetPixel((int)px + 5, (int)py));
        // Above the bar (y = 9.5) is background, not bar.
        Assert.NotEqual(Red, bitmap.GetPixel((int)px + 5, (int)(rect.Bottom - 0.95f * rect.Height)));
        Assert.True(DistinctColours(bitmap) > 20, "PNG looks blank");
        using var big = figure.RenderBitmap(2);
        Assert.Equal(1200, big.Width);
        Assert.Equal(800, big.Height);
        PlotArtifacts.Save(bitmap, "bars-basic.png");
    }

    [Fact]
    public void Heatmap_png_shows_each_cell_in_its_colour_map_colour()
    {
        var grid = new float[,] { { 0f, 0.25f, 0.5f }, { 0.75f, 1f, 0.1f } };
        var figure = Figure.Single(new ChartPanel
        {
            XAxis = new AxisSpec { Hidden = true },
            YAxis = new AxisSpec { Hidden = true, Reversed = true },
            Series = [new HeatmapSeries { Values = grid, Min = 0, Max = 1, ColorMap = ColorMap.Viridis, ScaleTitle = "v" }],
        }, null, 500, 360);
        using var bitmap = figure.RenderBitmap();
        var rect = new FigureLayout(figure).PlotRects[0];
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
            {
                int x = (int)(rect.Left + (c + 0.5f) / 3 * rect.Width);
                int y = (int)(rect.Top + (r + 0.5f) / 2 * rect.Height); // reversed axis: row 0 on top
                Assert.Equal(ColorMap.Viridis.Map(grid[r, c]), bitmap.GetPixel(x, y));
            }
        PlotArtifacts.Save(bitmap, "heatmap-cells.png");
    }

    [Fact]
    public void Series_with_the_same_name_share_colour_and_legend_entry_across_panels()
    {
        ChartPanel Panel(double k) => new()
        {
            Series = [new XYSeries { Name = "blink", X = [0, 1, 2], Y = [0, k, 2 * k] }, new XYSeries { Name = "baseline", X = [0, 1, 2], Y = [1, 1, 1] }],
        };
        var figure = new Figure([Panel(1), Panel(2)], 2, "two panels", 900, 400);
        Assert.Equal(2, figure.LegendEntries().Count);
        Assert.Equal(figure.ColorOf(figure.Panels[0].Series[0]), figure.ColorOf(figure.Panels[1].Series[0]));
        Assert.NotEqual(figure.ColorOf(figure.Panels[0].Series[0]), figure.ColorOf(figure.Panels[0].Series[1]));
        using var doc = JsonDocument.Parse(figure.ToPlotlyJson());
        var shown = doc.RootElement.GetProperty("data").EnumerateArray().Count(t => t.GetProperty("showlegend").GetBoolean());
        Assert.Equal(2, shown);
        Assert.True(doc.RootElement.GetProperty("layout").TryGetProperty("xaxis2", out _));
    }

    [Fact]
    public void NaN_values_become_gaps_not_invalid_json()
    {
        var figure = Figure.Single(new ChartPanel { Series = [new XYSeries { Name = "s", X = [0, 1, 2], Y = [1, double.NaN, 3] }] });
        using var doc = JsonDocument.Parse(figure.ToPlotlyJson());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("data")[0].GetProperty("y")[1].ValueKind);
        using var bitmap = figure.RenderBitmap();
        Assert.True(DistinctColours(bitmap) > 5);
    }

    [Fact]
    public void Saving_is_atomic_and_leaves_no_temporary_files()
    {
        var dir = Directory.CreateTempSubdirectory("blink-plots-save-");
        try
        {
            var png = Path.Combine(dir.FullName, "f.png");
            var html = Path.Combine(dir.FullName, "f.html");
            BarFigure().SavePng(png);
            BarFigure().SaveHtml(html);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(html));
            Assert.Equal(2, dir.GetFiles().Length);
        }
        finally { dir.Delete(true); }
    }

    internal static int DistinctColours(SKBitmap bitmap) => bitmap.Pixels.Distinct().Count();
}
