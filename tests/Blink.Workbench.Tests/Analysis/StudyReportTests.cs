using Blink.Workbench.Tests.Browser;
using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Blink.Workbench.Tests.Plots;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Tests.Analysis;

[Collection("Torch")]
public class StudyReportTests
{
    private static ResultsTable Table()
    {
        var table = new ResultsTable("testbed", "vanilla", bootstrapResamples: 200);
        string[] cats = ["color", "count"];
        IReadOnlyList<ItemOutcome> Outcomes(Func<int, bool> correct) =>
            Enumerable.Range(0, 12).Select(i => new ItemOutcome($"q{i}", cats[i % 2], correct(i))).ToArray();
        table.Add("vanilla", Outcomes(i => i % 3 == 0), new Dictionary<string, double> { ["tokens_total"] = 600, ["prefill_ms"] = 3 });
        table.Add("forced-salient@2", Outcomes(i => i % 2 == 0), new Dictionary<string, double> { ["tokens_total"] = 640, ["prefill_ms"] = 4 },
            new Dictionary<string, double> { ["expansions_per_question"] = 1 });
        return table;
    }

    /// <summary>A trace from a real forced Blink-interp expansion on the tiny model.</summary>
    internal static TraceSample Trace(Workbench.Models.ModelBundle bundle, StudySample sample)
    {
        var options = BlinkOptions.ForModel(6, 8) with { Expander = ExpanderKind.Interpolation, Schedule = ExpansionSchedule.ForcedOnce };
        var runner = new MethodRunner(bundle);
        using var image = sample.LoadImage();
        var answer = runner.Answer(new MethodSpec("forced", "test", MethodKind.Blink, options), new MethodInput(image, sample.Prompt, 0, sample.Evidence, ["yes", "no"]));
        var data = PilotFigures.ToTraceData(answer.Trace!, options, 8, $"{sample.Id}: blink-interp");
        Assert.Equal(options.LastLayer - options.FirstLayer + 1, data.Steps.Count);
        Assert.Equal(Workbench.Plots.BlinkAction.Expand, data.Steps[0].Action);
        Assert.Equal(4, data.RegionsPerSide);
        return new TraceSample(data, PngEncoding.Encode(image));
    }

    private static (StudyReportInput Input, ResultsTable Table) Input()
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var samples = PilotFixtures.Samples(4);
        var pilot = LayerAttentionStudy.Run(bundle, samples, new LayerStudyOptions { KeepMapsFor = 2, HeadLayers = [2] });
        var table = Table();
        var input = new StudyReportInput
        {
            Title = "Pilot report test",
            Configuration = [new("model", "random tiny"), new("samples", "4")],
            Pilot = pilot,
            HeatmapSamples = 2,
            HeadLayer = 2,
            Results = [ResultsSummary.FromTable(table, "Results: forced")],
            TrainingCurves = [PilotFigures.LossSeries("base", [(0, 2.0), (10, 1.2), (20, 0.9)], [(10, 1.3), (20, 1.0)])],
            Traces = [Trace(bundle, samples[0])],
            Environment = [new("seed", "0"), new("command line", "blink pilot --samples 4")],
        };
        return (input, table);
    }

    [Fact]
    public void Sections_AreLeftOut_WhenInputsAreNull()
    {
        var empty = StudyReport.Build(new StudyReportInput());
        Assert.Equal(0, empty.FigureCount);
        var html = empty.ToHtml();
        Assert.DoesNotContain("Pilot 1", html);
        Assert.Contains("Environment", html);

        var onlyResults = StudyReport.Build(new StudyReportInput { Results = [ResultsSummary.FromTable(Table())] });
        Assert.Equal(3, onlyResults.FigureCount); // the summary's forest plot, accuracy-vs-cost and per-category bars
        Assert.Contains("+16.67", onlyResults.ToHtml()); // Δ = 6/12 − 4/12 in percentage points
    }

    [ChromiumFact]
    public async Task ReportPage_OpensInChromium_WithEveryPlotDrawn_AndRebuildsFromTheRunFolder()
    {
        var (input, table) = Input();
        var report = StudyReport.Build(input);
        // Summary: forest plot; pilot: curves, per-category curves (4 samples = 4 categories), ρ histograms; results: cost scatter and bars; training; one trace.
        Assert.True(input.Pilot!.PerCategory.Count > 1);
        Assert.Equal(1 + 3 + 2 + 1 + 1, report.FigureCount);
        Assert.Equal(3, report.ImageCount); // two heatmap grids, one per-head grid

        var folder = Path.Combine(PlotArtifacts.Directory, "pilot-run");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        input.Pilot.Save(Path.Combine(folder, LayerAttentionResult.FileName));
        Directory.CreateDirectory(Path.Combine(folder, "forced"));
        table.WriteAll(Path.Combine(folder, "forced"), "results");
        StudyRunFolder.WriteManifest(folder, new RunManifest(input.Title, null, input.Configuration!, input.Environment!, 2, 2));
        StudyRunFolder.WriteTraces(folder, input.Traces!);
        StudyRunFolder.WriteTraining(folder, input.TrainingCurves!);
        var rebuilt = StudyRunFolder.Load(folder);
        // The rebuilt page is the live one plus the links from each figure to the file it was drawn from.
        Assert.Equal(["forced/results.json", "forced/results.csv", "forced/results.md"], Assert.Single(rebuilt.Results!).Sources);
        Assert.Equal(["pilot.json"], rebuilt.PilotSources);
        Assert.Equal(["traces.json"], rebuilt.TraceSources);
        Assert.Equal(["training.json"], rebuilt.TrainingSources);
        var linked = input with
        {
            Results = [input.Results![0] with { Sources = rebuilt.Results![0].Sources }],
            PilotSources = rebuilt.PilotSources, TraceSources = rebuilt.TraceSources, TrainingSources = rebuilt.TrainingSources,
        };
        Assert.Equal(StudyReport.Build(linked).ToHtml(), StudyReport.Build(rebuilt).ToHtml());

        var path = StudyRunFolder.RebuildReport(folder);
        var result = await HeadlessBrowser.CheckPageAsync(path, new BrowserPageOptions
        {
            ExpectedSelector = ".plot-container",
            ExpectedCount = report.FigureCount,
            Timeout = TimeSpan.FromSeconds(90),
            CaptureDom = false,
        });
        Assert.True(result.Settled, "page did not finish drawing in time");
        Assert.Empty(result.ConsoleErrors);
        Assert.Empty(result.NetworkRequests);
        Assert.Equal(report.FigureCount, result.Count(".plot-container"));
        Assert.Equal(report.ImageCount, result.Count("img"));
    }
}
