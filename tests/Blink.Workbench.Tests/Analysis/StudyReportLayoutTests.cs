using Blink.Workbench.Tests.Browser;
using System.Text.Json;
using System.Text.RegularExpressions;
using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Blink.Workbench.Tests.Plots;

namespace Blink.Workbench.Tests.Analysis;

/// <summary>
/// The study report leads with the answer (summary block: headline, forest plot, pilot band), shows results as a
/// method × category matrix with the full table collapsed, links every figure to its run file, and fits the page
/// width at 1280 and 1920 pixels with no horizontal scroll.
/// </summary>
[Collection("Torch")]
public class StudyReportLayoutTests
{
    private static readonly string[] Categories = ["color", "shape", "digit", "existence", "count", "position"];

    /// <summary>
    /// A study-shaped results table: 6 categories × 40 questions. vanilla gets 40% right (96), spread over the
    /// categories; "better" also gets 20 more (significantly better), "same" differs from vanilla on two questions,
    /// "worse" loses 15 of vanilla's right answers (significantly worse), "zoom-oracle" gets 90% right.
    /// </summary>
    internal static ResultsTable StudyTable()
    {
        var table = new ResultsTable("testbed", "vanilla", bootstrapResamples: 400);
        const int n = 240;
        bool Vanilla(int i) => i * 37 % 100 < 40;
        IReadOnlyList<ItemOutcome> Outcomes(Func<int, bool> correct) =>
            Enumerable.Range(0, n).Select(i => new ItemOutcome($"q{i:000}", Categories[i % Categories.Length], correct(i))).ToArray();
        var cost = new Dictionary<string, double> { ["tokens_total"] = 529, ["prefill_ms"] = 3 };
        table.Add("vanilla", Outcomes(Vanilla), cost);
        table.Add("better", Outcomes(i => Vanilla(i) || i * 53 % 100 < 15), cost);
        table.Add("same", Outcomes(i => i is 5 or 7 ? !Vanilla(i) : Vanilla(i)), cost);
        table.Add("worse", Outcomes(i => Vanilla(i) && i * 71 % 100 >= 15), cost);
        table.Add("zoom-oracle", Outcomes(i => i * 13 % 10 != 0), cost);
        return table;
    }

    /// <summary>A run folder as <c>blink study</c> writes it (pilot and a Blink trace on a random tiny model, results in eval/ and forced/).</summary>
    private static string WriteRunFolder(string name)
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var samples = PilotFixtures.Samples(6);
        var pilot = LayerAttentionStudy.Run(bundle, samples, new LayerStudyOptions { KeepMapsFor = 2, HeadLayers = [2] });
        var folder = Path.Combine(PlotArtifacts.Directory, name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        pilot.Save(Path.Combine(folder, LayerAttentionResult.FileName));
        StudyTable().WriteAll(Path.Combine(folder, "eval"), "results");
        var forced = new ResultsTable("testbed", "none", bootstrapResamples: 200);
        forced.Add("none", Enumerable.Range(0, 30).Select(i => new ItemOutcome($"q{i}", Categories[i % 6], i % 2 == 0)).ToArray());
        forced.Add("forced-salient@3", Enumerable.Range(0, 30).Select(i => new ItemOutcome($"q{i}", Categories[i % 6], i % 3 == 0)).ToArray());
        forced.WriteAll(Path.Combine(folder, "forced"), "results");
        StudyRunFolder.WriteManifest(folder, new RunManifest("Blink study: layout test", "testbed", [new("model", "random tiny"), new("methods", "5")],
            [new("seed", "0")], 2, 2));
        StudyRunFolder.WriteTraces(folder, [StudyReportTests.Trace(bundle, samples[0])]);
        StudyRunFolder.WriteTraining(folder, [PilotFigures.LossSeries("tokensr", [(0, 2.0), (10, 1.2), (20, 0.9)], [(10, 1.3), (20, 1.0)])]);
        StudyRunFolder.RebuildReport(folder);
        return folder;
    }

    [Fact]
    public void Report_OpensWithTheSummary_ThenTheMatrix_AndCollapsesTheFullTableAndTheConfiguration()
    {
        var folder = WriteRunFolder("layout-run-order");
        var html = File.ReadAllText(Path.Combine(folder, StudyRunFolder.ReportFile));
        int summary = html.IndexOf("id=\"summary\"", StringComparison.Ordinal);
        int forest = html.IndexOf($"id=\"{StudyReportSummary.ForestPlotId}\"", StringComparison.Ordinal);
        int band = html.IndexOf("The pilot recommends Blink layers", StringComparison.Ordinal);
        int matrix = html.IndexOf("<table class=\"matrix\"", StringComparison.Ordinal);
        int pilot = html.IndexOf("<h2>Pilot 1", StringComparison.Ordinal);
        int config = html.IndexOf("<details class=\"configuration\">", StringComparison.Ordinal);
        Assert.True(summary > 0 && summary < forest && forest < band && band < matrix && matrix < pilot && pilot < config,
            $"order: summary {summary}, forest {forest}, band {band}, matrix {matrix}, pilot {pilot}, configuration {config}");
        Assert.True(html.IndexOf("<h1>", StringComparison.Ordinal) < summary);

        // Headline: the baseline's accuracy, the significant methods by name, the oracle as headroom.
        var headline = Regex.Matches(html, "<p class=\"headline\">(.*?)</p>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, headline.Count); // baseline, methods, category cells, oracle, pilot band
        Assert.StartsWith("vanilla answers 40.0% [", headline[0]);
        Assert.Contains("of the 240 testbed questions", headline[0]);
        Assert.Contains("Of the 3 methods, one is significantly above vanilla (best better, Δ +8.3 pp [", headline[1]);
        Assert.Matches("one is significantly below it \\(lowest worse, Δ −6\\.[23] pp \\[", headline[1]);
        Assert.Contains("the rest are within noise of vanilla", headline[1]);
        Assert.Matches("^Per category, [0-9]+ of 18 method × category cells differ significantly from vanilla: ", headline[2]);
        Assert.Contains("worse on position −12.5 [", headline[2]);
        Assert.Contains("zoom-oracle, which reads the evidence region", headline[3]);
        Assert.Contains("reaches 90.0% (Δ +50.0 pp [", headline[3]);
        Assert.Contains("The pilot recommends Blink layers", headline[4]);

        // The matrix: one row per method, Δ cells shaded by sign and significance.
        var matrixHtml = html[matrix..html.IndexOf("</table>", matrix, StringComparison.Ordinal)];
        Assert.Equal(5, Regex.Matches(matrixHtml, "<tr><th>(?!method<)").Count);
        Assert.Equal(7, Regex.Matches(matrixHtml, "<th>(all|color|shape|digit|existence|count|position)</th>").Count);
        Assert.Matches("<tr><th>better</th><td class=\"base\">48\\.3 \\[[0-9.]+, [0-9.]+\\]</td><td class=\"sig-pos\"", matrixHtml);
        Assert.Matches("<tr><th>worse</th>[^\n]*?<td class=\"sig-neg\"", matrixHtml);
        Assert.DoesNotMatch("<tr><th>same</th>[^\n]*?class=\"sig-", matrixHtml);
        // "same" equals vanilla on every category but two: those cells are grey, not shaded by a rounding error.
        Assert.Matches("<tr><th>same</th><td class=\"base\">[^<]*</td><td class=\"pos\"[^\n]*?<td class=\"zero\"", matrixHtml);

        // The full per-row table is there, collapsed: 5 methods × (6 categories + all) rows.
        var details = Regex.Match(html, "<details><summary>Full table: 35 rows.*?</details>", RegexOptions.Singleline);
        Assert.True(details.Success, "the full results table is not in a collapsed <details> block");
        Assert.Equal(35, Regex.Matches(details.Value, "<tr><td>").Count);
    }

    [Fact]
    public void EveryFigure_LinksTheRunFilesItWasDrawnFrom_AndTheLinksResolve()
    {
        var folder = WriteRunFolder("layout-run-links");
        var html = File.ReadAllText(Path.Combine(folder, StudyRunFolder.ReportFile));
        var figures = Regex.Matches(html, "<figure>.*?</figure>", RegexOptions.Singleline).Select(m => m.Value).ToList();
        Assert.True(figures.Count >= 8, $"only {figures.Count} figures");
        foreach (var figure in figures)
        {
            var links = Regex.Matches(figure, "class=\"sources\">data: (.*?)</span>").SelectMany(m => Regex.Matches(m.Groups[1].Value, "href=\"([^\"]+)\"")).Select(m => m.Groups[1].Value).ToList();
            Assert.True(links.Count > 0, "figure without a link to its data: " + figure[..Math.Min(200, figure.Length)]);
            foreach (var link in links)
                Assert.True(File.Exists(Path.Combine(folder, Uri.UnescapeDataString(link))), $"link {link} does not resolve in {folder}");
            Assert.Contains(links, l => l.EndsWith(".json", StringComparison.Ordinal));
        }
        Assert.Contains("href=\"eval/results.json\"", html);
        Assert.Contains("href=\"eval/results.csv\"", html);
        Assert.Contains("href=\"pilot.json\"", html);
        Assert.Contains("href=\"traces.json\"", html);
        Assert.Contains("href=\"training.json\"", html);
    }

    [Fact]
    public void ForestPlot_HasOneRowPerMethod_AndKeepsTheOracleOffTheScale()
    {
        var summary = ResultsSummary.FromTable(StudyTable());
        var (json, height) = StudyReportSummary.ForestPlot(summary);
        using var doc = JsonDocument.Parse(json);
        var layout = doc.RootElement.GetProperty("layout");
        var ticks = layout.GetProperty("yaxis").GetProperty("ticktext").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["better", "same", "worse", "zoom-oracle"], ticks);
        var data = doc.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(7, data.Count); // pooled + 6 categories
        Assert.All(data, d => Assert.Equal(4, d.GetProperty("x").GetArrayLength()));
        // The scale is set by the real methods' intervals; the oracle (+50.0, up to +62.5 in a category) is written at the edge.
        var range = layout.GetProperty("xaxis").GetProperty("range").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(range[1] < 40, $"x range {range[0]}..{range[1]} stretched to the oracle");
        Assert.True(range[0] < 0 && range[1] > 8.3, $"x range {range[0]}..{range[1]} leaves out 0 or a method");
        var note = Assert.Single(layout.GetProperty("annotations").EnumerateArray());
        Assert.StartsWith("off scale: all +50.0 pp [", note.GetProperty("text").GetString());
        Assert.EndsWith("; categories +37.5 to +62.5 ▶", note.GetProperty("text").GetString());
        Assert.Equal(3, note.GetProperty("y").GetInt32());
        // Significant pooled rows are filled diamonds, the others open.
        var pooled = data[0].GetProperty("marker").GetProperty("symbol").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["diamond", "diamond-open", "diamond", "diamond"], pooled);
        Assert.InRange(height, 200, 500);
    }

    public static TheoryData<int, int> Viewports => new() { { 1280, 800 }, { 1920, 1080 } };

    [ChromiumTheory]
    [MemberData(nameof(Viewports))]
    public async Task Report_FitsThePageWidth_AndItsFirstScreenShowsTheHeadlineAndTheForestPlot(int width, int height)
    {
        var folder = WriteRunFolder($"layout-run-{width}");
        var path = Path.Combine(folder, StudyRunFolder.ReportFile);
        var html = File.ReadAllText(path);
        int plots = Regex.Matches(html, "Plotly\\.newPlot\\(\"[\\w-]+\"").Count; // one call per figure (plotly.js itself is inlined too)
        Assert.True(plots >= 10, $"only {plots} figures"); // forest, 2 × (cost, bars), 3 pilot, training, trace
        // Every figure, image and table wrapper whose content is wider than its box, and the forest plot's place.
        const string overflowing = "Array.prototype.slice.call(document.querySelectorAll('figure, .blink-figure, img, .table-wrap, .plot-container'))" +
                                   ".filter(function(e){return e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth + 1;})" +
                                   ".map(function(e){return e.tagName + '.' + e.className + ' ' + e.scrollWidth + '>' + e.clientWidth;})";
        var result = await HeadlessBrowser.CheckPageAsync(path, new BrowserPageOptions
        {
            ViewportWidth = width,
            ViewportHeight = height,
            ExpectedSelector = ".plot-container",
            ExpectedCount = plots,
            Timeout = TimeSpan.FromSeconds(120),
            SettleTime = TimeSpan.FromMilliseconds(1000),
            CaptureDom = false,
            FullPageScreenshot = false,
            Evaluate = new Dictionary<string, string>
            {
                ["overflowing"] = overflowing,
                ["forestBottom"] = $"document.getElementById('{StudyReportSummary.ForestPlotId}').getBoundingClientRect().bottom",
                ["forestDrawn"] = $"document.querySelectorAll('#{StudyReportSummary.ForestPlotId} .scatterlayer .point').length",
                ["headlineBottom"] = "document.querySelector('p.headline').getBoundingClientRect().bottom",
            },
        });
        Assert.True(result.Settled, "page did not finish drawing in time");
        Assert.Empty(result.ConsoleErrors);
        Assert.Equal(plots, result.Count(".plot-container"));
        Assert.Equal(width, result.ViewportWidth);
        Assert.True(result.DocumentScrollWidth <= result.ViewportWidth,
            $"horizontal scroll at {width} px: document is {result.DocumentScrollWidth} px wide");
        Assert.Equal("[]", result.Evaluations["overflowing"]);

        // The screenshot is the first screen, exactly as wide as the viewport, and the document is no wider.
        using var shot = SkiaSharp.SKBitmap.Decode(result.Screenshot!);
        Assert.Equal(width, shot.Width);
        Assert.Equal(height, shot.Height);
        Assert.True(result.DocumentScrollWidth <= shot.Width);
        Assert.True(double.Parse(result.Evaluations["headlineBottom"], System.Globalization.CultureInfo.InvariantCulture) < height);
        Assert.True(double.Parse(result.Evaluations["forestBottom"], System.Globalization.CultureInfo.InvariantCulture) <= height,
            $"the forest plot ends at {result.Evaluations["forestBottom"]} px, below the first screen ({height} px)");
        Assert.Equal(4 * 7, int.Parse(result.Evaluations["forestDrawn"])); // 4 methods × (pooled + 6 categories) markers
        File.WriteAllBytes(PlotArtifacts.PathOf($"report-first-screen-{width}x{height}.png"), result.Screenshot!);
    }
}
