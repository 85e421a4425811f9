using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Workbench.Tests.EvalCli;

/// <summary>Sharded runs merge into what one run writes; an interrupted run continues where it stopped.</summary>
[Collection(EvalCollection.Name)]
public sealed class ShardingAndResumeTests(EvalFixture fx)
{
    /// <summary>The part of an answer line that is deterministic (answer ids are random, timings vary).</summary>
    private static string Stable(string line)
    {
        var obj = JsonNode.Parse(line)!.AsObject();
        obj.Remove("answer_id");
        var meta = obj["metadata"]!.AsObject();
        meta.Remove("prefill_ms");
        meta.Remove("latency_ms");
        return obj.ToJsonString();
    }

    [Fact]
    public void Two_shards_merged_equal_one_unsharded_run()
    {
        // MMBench: circular rounds and the extra fields (round_id, options) must survive the merge too.
        var benchmark = BenchmarkRegistry.Default.Get("mmbench");
        var items = fx.Load("mmbench").Take(16).ToList();
        var methods = fx.VanillaAndInterp;
        var whole = new EvaluationOptions(fx.NewOutput("whole"), BootstrapResamples: 200);
        var sharded = whole with { OutputDirectory = fx.NewOutput("sharded"), NumChunks = 2 };
        var evaluator = new MethodEvaluator(fx.Runner);

        evaluator.Answer(benchmark, items, methods, whole);
        for (var chunk = 0; chunk < 2; chunk++) evaluator.Answer(benchmark, items, methods, sharded with { ChunkIndex = chunk });
        var shards = AnswerShards.Discover(sharded.OutputDirectory);
        Assert.Equal(["blink-interp", "vanilla"], shards.Select(s => s.Method));
        Assert.All(shards, s => Assert.Equal(2, s.NumChunks));
        MethodEvaluator.Merge(items, methods, sharded);

        foreach (var m in methods)
        {
            var expected = File.ReadAllLines(MethodEvaluator.AnswerPath(whole, m.Name)).Select(Stable);
            var merged = File.ReadAllLines(MethodEvaluator.AnswerPath(sharded with { NumChunks = 1 }, m.Name)).Select(Stable);
            Assert.Equal(expected, merged);
        }
        var a = MethodEvaluator.ScoreAll(benchmark, items, methods, whole);
        var b = MethodEvaluator.ScoreAll(benchmark, items, methods, sharded with { NumChunks = 1 });
        Assert.Equal(a.Metrics.ToJson(), b.Metrics.ToJson());
    }

    [Fact]
    public void Merge_names_a_missing_shard()
    {
        var benchmark = BenchmarkRegistry.Default.Get("pope");
        var items = fx.Load("pope").Take(4).ToList();
        var options = new EvaluationOptions(fx.NewOutput("missing-shard"), NumChunks: 2, ChunkIndex: 1);
        new MethodEvaluator(fx.Runner).Answer(benchmark, items, [fx.Method("vanilla")], options);
        var e = Assert.Throws<FileNotFoundException>(() => MethodEvaluator.Merge(items, [fx.Method("vanilla")], options));
        Assert.Contains("vanilla.chunk0of2.jsonl", e.Message);
    }

    [Fact]
    public void Interrupted_run_resumes_without_answering_again()
    {
        var benchmark = BenchmarkRegistry.Default.Get("pope");
        var items = fx.Load("pope").Take(12).ToList();
        var methods = fx.VanillaAndInterp;
        var options = new EvaluationOptions(fx.NewOutput("resume"), BootstrapResamples: 200);
        var evaluator = new MethodEvaluator(fx.Runner);

        using var stop = new CancellationTokenSource();
        var first = new CountingProgress(stop, stopAt: 5);
        Assert.ThrowsAny<OperationCanceledException>(() => evaluator.Answer(benchmark, items, methods, options, first, stop.Token));
        Assert.Equal(5, first.Calls);
        Assert.Equal(5, File.ReadAllLines(MethodEvaluator.AnswerPath(options, "vanilla")).Length);

        var second = new CountingProgress();
        evaluator.Answer(benchmark, items, methods, options, second);
        Assert.Equal(2 * items.Count - 5, second.Calls);

        var third = new CountingProgress();
        evaluator.Answer(benchmark, items, methods, options, third);
        Assert.Equal(0, third.Calls);
        foreach (var m in methods)
        {
            var answers = AnswerFile.ReadUnique(MethodEvaluator.AnswerPath(options, m.Name));
            Assert.Equal(items.Select(i => i.Id), answers.Select(a => a.QuestionId));
        }
        MethodEvaluator.ScoreAll(benchmark, items, methods, options);
    }
}
