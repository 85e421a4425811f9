using Blink.Workbench.Tests.Browser;
using Blink.Workbench.IO;
using System.Text.RegularExpressions;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Tests.Plots;

public class HtmlReportTests
{
    private static HtmlReport SampleReport()
    {
        using var picture = PlotSamples.Picture();
        var layers = PlotSamples.Layers();
        var evidence = ImageBox.FromGridRegion(0, 2, "evidence");
        var report = new HtmlReport("Blink workbench report", "synthetic data <test>");
        report.Section("Where the model looks")
              .Paragraph("Attention of the last prompt token, per layer.\n\nSecond paragraph & more.")
              .Figure(AttentionCharts.LayerFigure(picture, layers, evidence), "Interactive small multiples")
              .Image(AttentionCharts.LayerSmallMultiples(picture, layers, evidence, tileSize: 120), "Static small multiples")
              .Section("Blink trace")
              .Figure(BlinkTraceChart.Create(PlotSamples.Trace(), picture))
              .Section("Results")
              .Table(["method", "accuracy", "cost"], [["baseline", "61.2 ± 1.4", "8.1"], ["Blink", "64.0", "8.9"]], "Main results")
              .Figure(CategoryBarChart.Create(["a", "b"], [new CategoryScores("baseline", [1, 2]), new CategoryScores("Blink", [2, 3])]))
              .Environment(ReportEnvironment.Capture().Append(new("seed", "42")));
        return report;
    }

    [Fact]
    public void Report_is_one_offline_page_with_plotly_inlined_once_and_a_plot_call_per_figure()
    {
        var report = SampleReport();
        var html = report.ToHtml();
        Assert.Equal(3, report.FigureCount);
        Assert.Single(Regex.Matches(html, @"\* plotly\.js v2\.28\.0"));
        Assert.Equal(3, Regex.Matches(html, @"Plotly\.newPlot\(""plot-\d+""").Count);
        Assert.DoesNotMatch(@"<script[^>]*\bsrc\s*=", html);
        Assert.Contains("<img class=\"png\" alt=\"Static small multiples\" src=\"data:image/png;base64,", html);
        Assert.Contains("<details class=\"environment\"><summary>Environment</summary>", html);
        Assert.Contains("synthetic data &lt;test&gt;", html);
        Assert.Contains("<td class=\"num\">61.2 ± 1.4</td>", html);
        Assert.Contains("<p>Second paragraph &amp; more.</p>", html);
    }

    [Fact]
    public void Report_without_figures_does_not_carry_plotly()
    {
        var html = new HtmlReport("t").Paragraph("x").ToHtml();
        Assert.DoesNotContain("plotly.js", html);
        Assert.Throws<ArgumentException>(() => new HtmlReport("t").Table(["a", "b"], [["1"]]));
    }

    [ChromiumFact]
    public async Task Report_opens_in_headless_chromium_offline_with_every_plot_drawn_and_no_console_errors()
    {
        var path = SampleReport().Save(PlotArtifacts.PathOf("report.html"));
        var result = await HeadlessBrowser.CheckPageAsync(path, new BrowserPageOptions
        {
            ExpectedSelector = ".plot-container",
            ExpectedCount = 3,
            Timeout = TimeSpan.FromSeconds(90),
        });
        Assert.True(result.Settled, "page did not finish drawing in time");
        Assert.Empty(result.ConsoleErrors);
        Assert.Empty(result.NetworkRequests);
        Assert.Equal(3, result.Count(".plot-container"));
        Assert.True(result.Count(".main-svg") >= 3);
        Assert.Equal(1, result.Count("img"));
        Assert.Contains("class=\"main-svg\"", result.Dom);
        Assert.NotNull(result.Screenshot);
        File.WriteAllBytes(PlotArtifacts.PathOf("report-screenshot.png"), result.Screenshot!);
        using var shot = PngEncoding.Decode(result.Screenshot!);
        Assert.Equal(1280, shot.Width);
        Assert.True(shot.Height > 900, "full-page screenshot expected");
        Assert.True(FigureTests.DistinctColours(shot) > 100, "screenshot looks blank");
    }

    [ChromiumFact]
    public async Task Browser_check_reports_script_errors_and_blocked_network_requests()
    {
        var path = PlotArtifacts.PathOf("broken.html");
        AtomicFile.WriteAllText(path, """
            <!DOCTYPE html><html><head><script src="https://cdn.plot.ly/plotly-2.28.0.min.js"></script></head>
            <body><div id="p"></div><script>console.error("boom"); Plotly.newPlot("p", [], {});</script></body></html>
            """);
        var result = await HeadlessBrowser.CheckPageAsync(path, new BrowserPageOptions { Screenshot = false, Timeout = TimeSpan.FromSeconds(60) });
        Assert.Contains(result.ConsoleErrors, e => e.Contains("boom"));
        Assert.Contains(result.ConsoleErrors, e => e.Contains("Plotly is not defined"));
        Assert.Contains(result.NetworkRequests, u => u.StartsWith("https://cdn.plot.ly/", StringComparison.Ordinal));
        Assert.Equal(0, result.Count(".plot-container"));
    }
}
