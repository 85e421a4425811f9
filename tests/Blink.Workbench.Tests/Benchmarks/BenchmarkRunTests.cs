using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

public class BenchmarkRunTests(FixtureFolder fixtures) : IClassFixture<FixtureFolder>
{
    [Fact]
    public void Shards_resume_and_merge_into_a_complete_scored_answer_file()
    {
        var pope = new PopeBenchmark();
        var items = fixtures.Load("pope");
        string dir = Path.Combine(fixtures.Root, "run-" + Guid.NewGuid().ToString("N"));
        var calls = new List<QuestionId>();
        ModelAnswer Model(BenchmarkItem i)
        {
            calls.Add(i.Id);
            return new ModelAnswer(i.GroundTruth == "yes" ? "Yes" : "No");
        }

        var shards = new List<string>();
        for (int k = 0; k < 3; k++)
        {
            string path = Path.Combine(dir, $"3_{k}.jsonl");
            shards.Add(path);
            using var writer = AnswerFileWriter.Open(path, "tiny", "baseline");
            // Shard 1 is interrupted after 4 answers, then resumed.
            using var cts = new CancellationTokenSource();
            int seen = 0;
            if (k == 1)
            {
                Assert.Throws<OperationCanceledException>(() => BenchmarkRun.AnswerAll(items, writer, i =>
                {
                    if (++seen == 4) cts.Cancel();
                    return Model(i);
                }, 3, k, cancellationToken: cts.Token));
            }
        }
        for (int k = 0; k < 3; k++)
        {
            using var writer = AnswerFileWriter.Open(shards[k], "tiny", "baseline");
            BenchmarkRun.AnswerAll(items, writer, Model, 3, k);
        }

        Assert.Equal(items.Count, calls.Count); // nothing answered twice
        var merged = AnswerFile.MergeShards(shards, items.Select(i => i.Id).ToList(), Path.Combine(dir, "merge.jsonl"));
        Assert.All(merged, a => Assert.True((double)a.Metadata["latency_ms"]! >= 0));
        Assert.Equal(1.0, pope.Score(items, merged).Overall["accuracy"]);
    }

    [Fact]
    public void Mmbench_answer_lines_carry_round_and_options()
    {
        var items = fixtures.Load("mmbench");
        string path = Path.Combine(fixtures.Root, "run-mmb-" + Guid.NewGuid().ToString("N") + ".jsonl");
        using (var writer = AnswerFileWriter.Open(path, "tiny", "baseline"))
            BenchmarkRun.AnswerAll(items.Take(3).ToList(), writer, i => new ModelAnswer(i.GroundTruth!));
        AnswerRecord second = AnswerFile.Read(path)[1];
        Assert.Equal(1, (int)second.Extras["round_id"]!);
        Assert.Equal(items[1].Options!.Count, second.Extras["options"]!.AsArray().Count);
    }
}
