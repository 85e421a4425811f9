using Blink.Workbench.Imaging;
using System.Text.RegularExpressions;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Notebooks;
using Blink.Workbench.Plots;
using SkiaSharp;

namespace Blink.Workbench.Tests.Notebooks;

/// <summary>
/// The HTML the package's kernel extension shows for the library's values (what the real kernel displays is checked
/// by <see cref="ProjectNotebooksTests"/>); and the extension registers a formatter for each of them.
/// </summary>
public sealed class NotebookHtmlTests
{
    private static Figure Bars() => Figure.Single(new ChartPanel
    {
        XAxis = new AxisSpec { Categories = ["a", "b"] },
        Series = [new BarSeries { Name = "m", Values = [1, 2] }],
    }, "Bars", 400, 300);

    [Fact]
    public void Figures_carry_plotly_js_once_per_kernel_and_then_only_their_json()
    {
        var first = NotebookHtml.Figure(Bars());
        var second = NotebookHtml.Figure(Bars());
        // A test may not be the first caller in this process: at most one of the two carries plotly.js.
        Assert.False(first.Contains("plotly.js v", StringComparison.Ordinal) && second.Contains("plotly.js v", StringComparison.Ordinal));
        Assert.DoesNotContain("plotly.js v", second);
        Assert.Contains("Plotly.newPlot(\"blink-figure-", second);
        Assert.Contains("\"type\":\"bar\"", second);
        Assert.DoesNotMatch(@"<script[^>]*\bsrc\s*=", first + second);
        var ids = Regex.Matches(first + second, "id=\"(blink-figure-[^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        // RequireJS is hidden while plotly.js loads, then restored.
        var script = NotebookHtml.PlotlyScript();
        Assert.True(script.IndexOf("window.define=undefined", StringComparison.Ordinal) < script.IndexOf("plotly.js v", StringComparison.Ordinal));
        Assert.EndsWith("window.define=window.__blinkDefine;</script>\n", script);
    }

    [Fact]
    public void A_results_table_is_an_html_table_with_the_markdown_cells()
    {
        var table = new ResultsTable("testbed <a>", "vanilla", bootstrapResamples: 200, seed: 1);
        table.Add("vanilla", [new ItemOutcome("1", "color", true), new ItemOutcome("2", "color", false)]);
        table.Add("blink|x", [new ItemOutcome("1", "color", true), new ItemOutcome("2", "color", true)]);

        var html = NotebookHtml.Table(table);

        Assert.StartsWith("<div class=\"blink-results\"><table><caption", html);
        Assert.Contains("testbed &lt;a&gt;", html);
        Assert.Contains("<th>McNemar p</th>", html);
        Assert.Contains("<td style=\"text-align:left\">blink|x</td>", html);
        Assert.Contains("<td style=\"text-align:right\">100.00 [", html);
        Assert.Contains("| blink\\|x |", table.ToMarkdown());   // the Markdown still escapes the pipe
        Assert.Equal(Regex.Matches(table.ToMarkdown(), @"^\| (?!Method|-)", RegexOptions.Multiline).Count, Regex.Matches(html, "<tr><td").Count);
    }

    [Fact]
    public void A_saliency_map_is_a_heatmap_of_its_grid_with_the_strongest_region_boxed()
    {
        var tokens = new float[16];
        tokens[10] = 1;
        var regions = new RegionGrid(4, 4, 2);
        var (rho, argmax, mass) = SaliencyMap.Concentration(tokens, regions);
        var map = new SaliencyMap(3, tokens, 4, 4, regions, mass, rho, argmax, double.NaN);

        using var doc = System.Text.Json.JsonDocument.Parse(NotebookHtml.SaliencyFigure(map).ToPlotlyJson());
        var trace = doc.RootElement.GetProperty("data")[0];
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        Assert.Equal(1, trace.GetProperty("z")[2][2].GetDouble());
        var box = doc.RootElement.GetProperty("layout").GetProperty("shapes")[0];
        Assert.Equal((1.5, 3.5), (box.GetProperty("x0").GetDouble(), box.GetProperty("x1").GetDouble()));
        Assert.StartsWith("layer 3: ρ = 1.000, strongest region (1,1)", NotebookHtml.SaliencyFigure(map).Panels[0].Title);
        Assert.Contains("Plotly.newPlot(", NotebookHtml.Saliency(map));
    }

    [Fact]
    public void A_trace_without_its_options_is_refused_with_a_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => NotebookHtml.TraceFigure(new BlinkTrace()));
        Assert.Contains("Blink options", e.Message);
    }

    [Fact]
    public void A_sample_is_its_picture_with_the_evidence_box_and_the_question()
    {
        using var bitmap = new SKBitmap(64, 64);
        bitmap.Erase(SKColors.White);
        var item = new BenchmarkItem
        {
            Id = QuestionId.FromString("q7"), Category = "color", Prompt = "What colour? Answer with one word.", Question = "What colour is the <star>?",
            Image = new Base64ImageSource(Convert.ToBase64String(PngEncoding.Encode(bitmap)), "test"), GroundTruth = "red",
            Evidence = new Blink.Workbench.Imaging.PixelBox(8, 8, 24, 24),
        };

        var html = NotebookHtml.Sample(item);

        Assert.Contains("What colour is the &lt;star&gt;?", html);
        Assert.Contains("<b>A:</b> red", html);
        Assert.Contains("evidence box (8,8)–(24,24) px", html);
        var src = Regex.Match(html, "src=\"data:image/png;base64,([^\"]+)\"").Groups[1].Value;
        using var shown = PngEncoding.Decode(Convert.FromBase64String(src));
        Assert.Equal(Palette.Box, shown.GetPixel(8, 16));        // the box's left edge
        Assert.Equal(SKColors.White, shown.GetPixel(40, 40));    // outside it the picture is untouched
    }

    [Fact]
    public void The_kernel_extension_registers_a_formatter_for_every_notebook_value()
    {
        var dib = File.ReadAllText(Path.Combine(KernelNotebooks.RepositoryRoot, "src", "Blink.Workbench", "Notebooks", "extension.dib"));
        var registered = Regex.Matches(dib, @"Formatter\.Register<([\w.]+)>").Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var type in new[] { typeof(Figure), typeof(ResultsTable), typeof(SaliencyMap), typeof(BlinkTrace), typeof(BenchmarkItem), typeof(Blink.Workbench.Analysis.PositionProbeResult), typeof(Blink.Workbench.Analysis.ObjectProbeResult) })
            Assert.Contains(type.FullName!, registered);
        Assert.All(registered, name => Assert.NotNull(typeof(Figure).Assembly.GetType(name)));
    }
}
