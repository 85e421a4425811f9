using Blink.Workbench.Evaluation;
using Blink.Workbench.Experiments;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Tests.Evaluation;
using TorchSharp;

namespace Blink.Workbench.Tests.Experiments;

/// <summary>The main job's chain, called as the CLI and the notebooks call it, on the embedded model with tiny counts.</summary>
[Collection("Torch")]
public sealed class StudyPipelineTests
{
    private sealed class ListLog : IStudyLog
    {
        public List<string> Stages { get; } = [];
        public List<string> Results { get; } = [];
        public void Stage(string title) => Stages.Add(title);
        public void Result(string text) => Results.Add(text);
        public void Progress(string text, bool last = false) { }
        public void Warning(string text) => Results.Add("warning: " + text);
    }

    private static string EmbeddedModel =>
        Path.Combine(Path.GetDirectoryName(Blink.Workbench.Tests.IO.FixturePaths.LlavaTinyHf)!, "..", "..", "data", "models", "tiny-testbed");

    private static StudySettings Tiny(string output)
    {
        var config = LlavaConfig.FromFile(Path.Combine(EmbeddedModel, "config.json"));
        var blink = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize);
        return new StudySettings(EmbeddedModel, output, 12, 18, 6, 12, 4, blink, BandGiven: false);
    }

    [Fact]
    public void Runs_every_stage_into_one_folder_and_resumes_only_with_the_same_settings()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "study");
        var log = new ListLog();
        var outcome = StudyPipeline.Run(Tiny(folder), torch.CPU, torch.ScalarType.Float32, log);

        Assert.Equal(["loading the model", "writing the testbed validation and test splits"], log.Stages.Take(2));
        Assert.Contains(log.Stages, s => s.StartsWith("pilot study 1", StringComparison.Ordinal));
        Assert.Contains(log.Stages, s => s.StartsWith("evaluating", StringComparison.Ordinal));
        Assert.True(File.Exists(outcome.ReportPath));
        Assert.True(File.Exists(Path.Combine(folder, StudyRunKey.FileName)));
        var methods = outcome.Evaluation.BuildRows().Where(r => r.Category == ResultsTable.AllCategory).Select(r => r.Method).ToList();
        Assert.Equal(MethodCatalog.Standard(outcome.Blink).Select(m => m.Name), methods);
        Assert.All(outcome.Evaluation.BuildRows().Where(r => r.Category == ResultsTable.AllCategory), r => Assert.Equal(18, r.N));
        Assert.InRange(outcome.Blink.FirstLayer, 0, outcome.Blink.LastLayer);
        Assert.Contains(log.Results, r => r.StartsWith("recommended band", StringComparison.Ordinal));

        // The same settings resume onto the same answers; other settings are refused before anything is written.
        var answers = Directory.GetFiles(Path.Combine(folder, "eval", "answers"), "*.jsonl").ToDictionary(f => f, File.ReadAllBytes);
        var again = StudyPipeline.Run(Tiny(folder), torch.CPU, torch.ScalarType.Float32, new ListLog());
        Assert.All(answers, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
        Assert.Equal(outcome.Evaluation.BuildRows().Select(r => r.Accuracy), again.Evaluation.BuildRows().Select(r => r.Accuracy));
        var e = Assert.Throws<InvalidOperationException>(() =>
            StudyPipeline.Run(Tiny(folder) with { TestSamples = 24 }, torch.CPU, torch.ScalarType.Float32, new ListLog()));
        Assert.Contains("holds a study of another model, testbed or settings", e.Message);
        Assert.All(answers, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
    }

    [Fact]
    public void Impossible_counts_are_refused_before_the_model_loads()
    {
        var log = new ListLog();
        var e = Assert.Throws<ArgumentException>(() => StudyPipeline.Run(Tiny("unused") with { TokenSRSamples = 5 }, torch.CPU, torch.ScalarType.Float32, log));
        Assert.Contains("--tokensr-samples must be ≥ 10", e.Message);
        Assert.Empty(log.Stages);
        Assert.False(Directory.Exists("unused"));
    }
}
