using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Workbench.Tests.EvalCli;

/// <summary>Bad answer and question files stop a run with the file and line, and never cost answers already written.</summary>
[Collection(EvalCollection.Name)]
public sealed class EvalInputErrorTests(EvalFixture fx)
{
    private static readonly IBenchmark Pope = BenchmarkRegistry.Default.Get("pope");

    private (IReadOnlyList<BenchmarkItem> Items, EvaluationOptions Options) AnsweredPope(string name, int limit = 6)
    {
        var items = fx.Load("pope").Take(limit).ToList();
        var options = new EvaluationOptions(fx.NewOutput(name), BootstrapResamples: 200);
        new MethodEvaluator(fx.Runner).Answer(Pope, items, [fx.Method("vanilla")], options);
        return (items, options);
    }

    [Fact]
    public void Answer_file_of_another_method_is_refused_with_file_and_line()
    {
        var (items, options) = AnsweredPope("other-method");
        var target = MethodEvaluator.AnswerPath(options, "blink-interp");
        File.Copy(MethodEvaluator.AnswerPath(options, "vanilla"), target);
        File.Copy(RunIdentity.PathFor(MethodEvaluator.AnswerPath(options, "vanilla")), RunIdentity.PathFor(target));
        var before = File.ReadAllBytes(target);

        var e = Assert.Throws<RunIdentityMismatchException>(() =>
            new MethodEvaluator(fx.Runner).Answer(Pope, items, [fx.Method("blink-interp")], options));
        Assert.Equal(target, e.Path);
        Assert.Contains("method: was vanilla, now blink-interp", e.Message);
        Assert.Equal(before, File.ReadAllBytes(target));

        // Without its identity file the same answers are refused too, and the per-line check still names the line.
        File.Delete(RunIdentity.PathFor(target));
        Assert.Contains("options that made them are unknown", Assert.Throws<RunIdentityMismatchException>(() =>
            new MethodEvaluator(fx.Runner).Answer(Pope, items, [fx.Method("blink-interp")], options)).Message);
        File.WriteAllBytes(target, before);
        RunIdentity.For(fx.Method("blink-interp"), fx.Runner, Pope).Write(target);
        var line = Assert.Throws<BenchmarkFormatException>(() =>
            new MethodEvaluator(fx.Runner).Answer(Pope, items, [fx.Method("blink-interp")], options));
        Assert.Equal(target, line.FilePath);
        Assert.Equal(1, line.LineNumber);
        Assert.Contains("method 'vanilla'", line.Message);
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Fact]
    public void Answer_file_of_another_model_is_refused_with_file_and_line()
    {
        var (items, options) = AnsweredPope("other-model");
        var path = MethodEvaluator.AnswerPath(options, "vanilla");
        var lines = File.ReadAllLines(path);
        lines[2] = lines[2].Replace($"\"model_id\":\"{fx.Bundle.ModelId}\"", "\"model_id\":\"llava-v1.5-7b\"", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        var e = Assert.Throws<BenchmarkFormatException>(() =>
            new MethodEvaluator(fx.Runner).Answer(Pope, items, [fx.Method("vanilla")], options));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("llava-v1.5-7b", e.Message);
        Assert.Equal(lines, File.ReadAllLines(path));
    }

    [Fact]
    public void Question_file_with_a_missing_field_names_file_and_line()
    {
        var data = fx.CopyOf("pope");
        var file = Path.Combine(data, PopeBenchmark.LlavaQuestionFileName);
        var lines = File.ReadAllLines(file);
        lines[2] = lines[2].Replace("\"text\":", "\"txet\":", StringComparison.Ordinal);
        File.WriteAllLines(file, lines);

        var e = Assert.ThrowsAny<Exception>(() => fx.Load("pope", data));
        Assert.Contains($"{file}:3", e.Message);
        Assert.Contains("text", e.Message);
    }

    [Fact]
    public void Question_file_with_a_duplicate_id_names_file_and_line()
    {
        var data = fx.CopyOf("pope");
        var file = Path.Combine(data, PopeBenchmark.LlavaQuestionFileName);
        var lines = File.ReadAllLines(file);
        lines[4] = lines[4].Replace("\"question_id\":5,", "\"question_id\":4,", StringComparison.Ordinal);
        File.WriteAllLines(file, lines);

        var e = Assert.ThrowsAny<Exception>(() =>
            new MethodEvaluator(fx.Runner).Answer(Pope, fx.Load("pope", data), [fx.Method("vanilla")], new EvaluationOptions(fx.NewOutput("dup"))));
        Assert.Contains($"{file}:5", e.Message);
        Assert.Contains("4", e.Message);
    }

    [Fact]
    public void Undecodable_image_names_the_question_and_keeps_earlier_answers()
    {
        var data = fx.CopyOf("testbed");
        var items = fx.Load("testbed", data);
        var bad = items[3];
        File.WriteAllBytes(((FileImageSource)bad.Image).Path, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var options = new EvaluationOptions(fx.NewOutput("bad-image"));
        var evaluator = new MethodEvaluator(fx.Runner);

        var e = Assert.Throws<BenchmarkFormatException>(() => evaluator.Answer(BenchmarkRegistry.Default.Get("testbed"), items, [fx.Method("vanilla")], options));
        Assert.Equal(bad.SourceFile, e.FilePath);
        Assert.Equal(4, e.LineNumber);
        Assert.Contains(bad.Id.Text, e.Message);
        var path = MethodEvaluator.AnswerPath(options, "vanilla");
        Assert.Equal(items.Take(3).Select(i => i.Id), AnswerFile.ReadUnique(path).Select(a => a.QuestionId));

        // Fixed image: the run continues with the remaining questions only.
        File.Copy(((FileImageSource)items[0].Image).Path, ((FileImageSource)bad.Image).Path, overwrite: true);
        var progress = new CountingProgress();
        evaluator.Answer(BenchmarkRegistry.Default.Get("testbed"), items, [fx.Method("vanilla")], options, progress);
        Assert.Equal(items.Count - 3, progress.Calls);
    }

    [Fact]
    public void An_evidence_box_outside_its_image_is_refused_with_file_line_and_question_before_answering()
    {
        var data = fx.CopyOf("testbed");
        var questions = Path.Combine(data, "questions.jsonl");
        var lines = File.ReadAllLines(questions);
        var node = System.Text.Json.Nodes.JsonNode.Parse(lines[2])!;
        node["evidence_box"] = new System.Text.Json.Nodes.JsonArray(500, 500, 9000, 9000);
        lines[2] = node.ToJsonString();
        File.WriteAllLines(questions, lines);
        var testbed = BenchmarkRegistry.Default.Get("testbed");
        var items = testbed.Load(data);
        var options = new EvaluationOptions(fx.NewOutput("evidence"), BootstrapResamples: 200);

        var e = Assert.Throws<BenchmarkFormatException>(() =>
            new MethodEvaluator(fx.Runner).Answer(testbed, items, [fx.Method("vanilla"), fx.Method("zoom-oracle")], options));
        Assert.Equal(questions, e.FilePath);
        Assert.Equal(3, e.LineNumber);
        Assert.Contains(items[2].Id.Text, e.Message);
        Assert.Contains("[500, 500, 9000, 9000]", e.Message);
        Assert.False(Directory.Exists(Path.Combine(options.OutputDirectory, MethodEvaluator.AnswersFolder)) &&
                     Directory.EnumerateFiles(Path.Combine(options.OutputDirectory, MethodEvaluator.AnswersFolder), "*.jsonl").Any(f => new FileInfo(f).Length > 0));
    }
}
