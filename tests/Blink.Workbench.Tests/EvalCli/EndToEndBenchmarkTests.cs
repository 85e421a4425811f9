using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Workbench.Tests.EvalCli;

/// <summary>Every fixture benchmark answered by a real (tiny) llava-hf model with vanilla and Blink-interp, then scored.</summary>
[Collection(EvalCollection.Name)]
public sealed class EndToEndBenchmarkTests(EvalFixture fx)
{
    public static TheoryData<string> Benchmarks => new() { "pope", "mme", "gqa", "mmbench", "mmbench-cn", "scienceqa-img", "mm-vet", "testbed" };

    [Theory]
    [MemberData(nameof(Benchmarks))]
    public void Answers_scores_and_writes_official_files(string name)
    {
        var benchmark = BenchmarkRegistry.Default.Get(name);
        var items = fx.Load(name);
        var options = new EvaluationOptions(fx.NewOutput(name), BootstrapResamples: 200);
        var progress = new CountingProgress();

        new MethodEvaluator(fx.Runner).Answer(benchmark, items, fx.VanillaAndInterp, options, progress);
        var report = MethodEvaluator.ScoreAll(benchmark, items, fx.VanillaAndInterp, options);

        Assert.Equal(2 * items.Count, progress.Calls);
        foreach (var method in fx.VanillaAndInterp)
        {
            var path = MethodEvaluator.AnswerPath(options, method.Name);
            var lines = File.ReadAllLines(path);
            Assert.Equal(items.Count, lines.Length);
            // LLaVA's answer-file fields, in question order, with the method recorded.
            for (var i = 0; i < lines.Length; i++)
            {
                var obj = JsonNode.Parse(lines[i])!.AsObject();
                foreach (var key in new[] { "question_id", "prompt", "text", "answer_id", "model_id", "metadata" }) Assert.True(obj.ContainsKey(key), $"{path}:{i + 1} lacks {key}");
                Assert.Equal(items[i].Id, QuestionId.TryFromJson(obj["question_id"]));
                Assert.Equal(fx.Bundle.ModelId, (string?)obj["model_id"]);
                Assert.Equal(method.Name, (string?)obj["metadata"]!["method"]);
                Assert.Equal(items[i].Prompt, (string?)obj["prompt"]);
            }
            if (name != "testbed")
                Assert.NotEmpty(Directory.GetFiles(Path.Combine(options.OutputDirectory, "official", method.Name), "*", SearchOption.AllDirectories));
        }
        Assert.Equal(["vanilla", "blink-interp"], report.Metrics.Rows.Select(r => r.Method));
        Assert.All(report.Metrics.Rows, r => Assert.Equal(0, r.Score.Missing));
        foreach (var file in new[] { "results.md", "results.csv", "results.json", "metrics.md", "metrics.json" })
            Assert.True(File.Exists(Path.Combine(options.OutputDirectory, file)), file);
        if (name != "mm-vet") // graded externally: no per-item outcomes here
            Assert.Contains(report.Results.BuildRows(), r => r.Method == "blink-interp" && r.VsBaseline is not null);
    }
}
