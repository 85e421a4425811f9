using System.Collections.Concurrent;
using Blink.Workbench.Tests.Browser;
using Blink.Notebooks;
using Blink.Notebooks.Documents;
using Xunit.Abstractions;

namespace Blink.Workbench.Tests.Notebooks;

/// <summary>
/// The project's notebooks (notebooks/*.ipynb) run end to end in the real .NET Interactive kernel (dotnet-repl) in
/// quick mode (tiny sizes through the "parameters" cell), every chart shows up as an interactive plotly.js chart,
/// the kernel listens on no outside address, and the committed copies are stripped of outputs.
/// </summary>
[Collection(NotebookRunnerCollection.Name)]
public sealed class ProjectNotebooksTests(ITestOutputHelper output)
{
    /// <summary>Quick-mode overrides of each notebook's parameters cell.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> QuickParameters = new()
    {
        ["01-pilot-layer-attention.ipynb"] = new() { ["samples"] = "6", ["heatmapSamples"] = "1", ["probeQuestions"] = "60" },
        ["02-train-tokensr.ipynb"] = new() { ["samples"] = "6", ["steps"] = "6", ["batchSize"] = "8" },
        ["03-evaluate-blink.ipynb"] = new() { ["samples"] = "6", ["calibrationSamples"] = "6" },
        ["04-how-blink-works.ipynb"] = new() { ["sampleIndex"] = "0" },
    };

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(KernelNotebooks.NotebookFolder, "*.ipynb").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void The_four_notebooks_are_there_and_all_have_quick_parameters()
    {
        var names = Directory.EnumerateFiles(KernelNotebooks.NotebookFolder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(QuickParameters.Keys.Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Committed_notebook_is_stripped_and_loads_the_packed_library(string name)
    {
        var path = Path.Combine(KernelNotebooks.NotebookFolder, name);
        Assert.True(NotebookStripper.IsStripped(path), $"{name} has outputs; strip it before committing (blink notebooks strip).");
        var notebook = NotebookFile.Read(path);
        // The package version the notebook asks for is the one the build packs.
        Assert.Contains(notebook.Cells, c => c.Source.Contains($"#r \"nuget: Blink.Workbench, {KernelNotebooks.PackageVersion}\"", StringComparison.Ordinal));
        Assert.DoesNotContain(notebook.Cells, c => c.Source.Contains("docs/testbed.md", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(KernelNotebooks.Feed, $"Blink.Workbench.{KernelNotebooks.PackageVersion}.nupkg")), "the build did not pack Blink.Workbench into artifacts/packages");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_in_the_kernel_in_quick_mode_with_every_chart(string name)
    {
        // BLINK_NOTEBOOK_OUT keeps the executed copies (.ipynb + .html) there for a look; default: a temp folder, removed.
        var keep = Environment.GetEnvironmentVariable("BLINK_NOTEBOOK_OUT");
        var outDir = string.IsNullOrEmpty(keep) ? Path.Combine(Path.GetTempPath(), "blink-project-nb-" + Guid.NewGuid().ToString("N")[..8]) : Path.GetFullPath(keep);
        var before = KernelNotebooks.Snapshot(KernelNotebooks.NotebookFolder);
        var listeners = new ConcurrentDictionary<string, ListeningSockets.Listener>();
        using var stopWatching = new CancellationTokenSource();
        Task? watcher = null;
        try
        {
            var result = await NotebookRunner.RunAsync(Path.Combine(KernelNotebooks.NotebookFolder, name), new NotebookRunOptions
            {
                OutputDirectory = outDir,
                Parameters = QuickParameters[name],
                Timeout = TimeSpan.FromMinutes(5),
                KernelStarted = pid => watcher = Task.Run(async () =>
                {
                    while (!stopWatching.IsCancellationRequested)
                    {
                        foreach (var l in ListeningSockets.Of(pid)) listeners.TryAdd(l.ToString(), l);
                        try { await Task.Delay(200, stopWatching.Token); } catch (OperationCanceledException) { }
                    }
                }),
            });
            stopWatching.Cancel();
            if (watcher is not null) await watcher;
            output.WriteLine($"{name}: {result.Elapsed.TotalSeconds:F1} s (cells: {string.Join(", ", result.Cells.Select(c => $"{c.CellIndex + 1}: {c.Elapsed.TotalSeconds:F1}"))})");
            output.WriteLine("listeners of the kernel: " + (listeners.IsEmpty ? "none" : string.Join(", ", listeners.Keys)));

            NotebookAssert.Succeeded(result);
            var executed = result.ExecutedNotebook!;
            Assert.True(File.Exists(result.ExecutedNotebookPath), "executed copy missing");

            // Every cell the notebook marks as a chart, table or picture shows it; the first chart carries plotly.js.
            var charts = executed.Cells.Where(c => c.Tags.Contains("chart")).ToList();
            Assert.NotEmpty(charts);
            foreach (var cell in executed.Cells)
            {
                var html = NotebookAssert.Html(cell);
                var where = $"{name}, cell {executed.Cells.IndexOf(cell) + 1} (id {cell.Id})";
                if (cell.Tags.Contains("chart")) Assert.True(html.Contains("Plotly.newPlot(", StringComparison.Ordinal), $"{where}: no interactive chart (text/html with Plotly.newPlot) in its outputs");
                if (cell.Tags.Contains("table")) Assert.True(html.Contains("<table", StringComparison.Ordinal), $"{where}: no HTML table in its outputs");
                if (cell.Tags.Contains("picture")) Assert.True(html.Contains("<img src=\"data:image/png;base64,", StringComparison.Ordinal), $"{where}: no picture in its outputs");
                // Nothing is loaded from the network (the kernel's default Plotly route asks a CDN for plotly.js and require.js).
                Assert.False(System.Text.RegularExpressions.Regex.IsMatch(html, @"<script[^>]*\ssrc\s*=\s*[""']?(https?:)?//"), $"{where}: an output loads a script from the network");
            }
            Assert.Contains("plotly.js v" + Workbench.Plots.OfflinePlotlyPage.PlotlyJsVersion, NotebookAssert.Html(charts[0]), StringComparison.Ordinal);

            Assert.True(listeners.Values.All(l => l.IsLoopback), $"{name}: the kernel listened on a non-loopback address: {string.Join(", ", listeners.Keys)}");
            Assert.Equal(before, KernelNotebooks.Snapshot(KernelNotebooks.NotebookFolder));

            // The offline HTML copy draws every chart in a real browser with the network off.
            Assert.True(result.HtmlPath is not null && File.Exists(result.HtmlPath), "offline HTML copy missing");
            var page = await HeadlessBrowser.CheckPageAsync(result.HtmlPath!, new BrowserPageOptions
            {
                Screenshot = false, Timeout = TimeSpan.FromSeconds(90), ExpectedSelector = ".plot-container", ExpectedCount = charts.Count,
            });
            Assert.True(page.ConsoleErrors.Count == 0, $"{name}: console errors in the executed page: {string.Join(" | ", page.ConsoleErrors)}");
            Assert.Empty(page.NetworkRequests);
            Assert.Equal(charts.Count, page.SelectorCounts[".plot-container"]);
        }
        finally
        {
            stopWatching.Cancel();
            if (string.IsNullOrEmpty(keep)) try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
        }
    }
}
