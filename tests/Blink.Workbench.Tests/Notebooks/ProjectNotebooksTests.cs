using Blink.Workbench.Tests.Browser;
using Blink.Notebooks;
using Xunit.Abstractions;

namespace Blink.Workbench.Tests.Notebooks;

/// <summary>
/// The project's notebooks (notebooks/*.ipynb) run end to end headlessly in quick mode (tiny sizes through the
/// "parameters" cell), and are committed stripped of outputs.
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
        foreach (var path in Directory.EnumerateFiles(NotebookFolder, "*.ipynb").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void The_four_notebooks_are_there_and_all_have_quick_parameters()
    {
        var names = Directory.EnumerateFiles(NotebookFolder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(QuickParameters.Keys.Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Committed_notebook_is_stripped(string name) =>
        Assert.True(NotebookStripper.IsStripped(Path.Combine(NotebookFolder, name)), $"{name} has outputs; strip it before committing.");

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_end_to_end_in_quick_mode(string name)
    {
        // BLINK_NOTEBOOK_OUT keeps the executed copies (.ipynb + .html) there for a look; default: a temp folder, removed.
        var keep = Environment.GetEnvironmentVariable("BLINK_NOTEBOOK_OUT");
        var outDir = string.IsNullOrEmpty(keep) ? Path.Combine(Path.GetTempPath(), "blink-project-nb-" + Guid.NewGuid().ToString("N")[..8]) : Path.GetFullPath(keep);
        try
        {
            var result = await NotebookRunner.RunAsync(Path.Combine(NotebookFolder, name), new NotebookRunOptions
            {
                OutputDirectory = outDir,
                Parameters = QuickParameters.GetValueOrDefault(name) ?? [],
                CellTimeout = TimeSpan.FromMinutes(2),
            });
            output.WriteLine($"{name}: {result.Elapsed.TotalSeconds:F1} s (cells: {string.Join(", ", result.Cells.Select(c => $"{c.CellIndex}: {c.Elapsed.TotalSeconds:F1}"))})");
            foreach (var w in result.Warnings) output.WriteLine("warning: " + w);
            Assert.True(result.Succeeded, $"{name}: {result.FirstFailure}");
            Assert.True(File.Exists(result.ExecutedNotebookPath), "executed copy missing");
            Assert.True(result.Elapsed < TimeSpan.FromSeconds(60), $"{name} took {result.Elapsed.TotalSeconds:F0} s in quick mode (target < 30 s on 2 cores; 60 s allowed for slow agents).");

            // The executed copy's offline HTML must render in a real browser with the network off.
            Assert.True(result.HtmlPath is not null && File.Exists(result.HtmlPath), "offline HTML rendering missing");
            var page = await HeadlessBrowser.CheckPageAsync(result.HtmlPath!, new BrowserPageOptions { Screenshot = false, Timeout = TimeSpan.FromSeconds(90) });
            Assert.True(page.ConsoleErrors.Count == 0, $"{name}: console errors in the executed page: {string.Join(" | ", page.ConsoleErrors)}");
        }
        finally
        {
            if (string.IsNullOrEmpty(keep)) try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
        }
    }

    private static string NotebookFolder => Path.Combine(RepositoryRoot, "notebooks");

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Blink.Workbench.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException($"Blink.Workbench.sln not found above {AppContext.BaseDirectory}.");
        }
    }
}
