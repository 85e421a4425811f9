using System.Text;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Evaluation;

public class AnswerFileTests
{
    private static QuestionId Q(long id) => QuestionId.FromNumber(id);

    [Fact]
    public void Writer_writes_llava_fields_and_flushes_each_line()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("answers/run.jsonl");
        using (var writer = AnswerFileWriter.Open(path, "tiny", "blink", idRandom: new Random(1)))
        {
            writer.Append(Q(1), "Is it red?", "Yes", new JsonObject { ["latency_ms"] = 12.5 });
            // Flushed: another reader sees the line while the writer is still open.
            string soFar = File.ReadAllText(path);
            Assert.EndsWith("\n", soFar);
            var rec = AnswerFile.Read(path).Single();
            Assert.Equal("Yes", rec.Text);
            Assert.Equal("tiny", rec.ModelId);
            Assert.Equal("blink", rec.Method);
            Assert.Equal(12.5, (double)rec.Metadata["latency_ms"]!);
            Assert.Equal(ShortId.Length, rec.AnswerId.Length);
            Assert.All(rec.AnswerId, c => Assert.Contains(c, ShortId.Alphabet));
        }
    }

    [Fact]
    public void Resume_cuts_a_torn_last_line_with_a_warning_and_skips_answered_ids()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("run.jsonl");
        using (var writer = AnswerFileWriter.Open(path, "tiny", "baseline"))
        {
            writer.Append(Q(1), "p1", "yes");
            writer.Append(Q(2), "p2", "no");
        }
        long goodLength = new FileInfo(path).Length;
        File.AppendAllText(path, "{\"question_id\": 3, \"prompt\": \"p3\", \"te"); // killed mid-write

        var warnings = new List<string>();
        using (var writer = AnswerFileWriter.Open(path, "tiny", "baseline", warn: warnings.Add))
        {
            Assert.Equal(goodLength, new FileInfo(path).Length);
            Assert.Single(warnings);
            Assert.Contains($"{path}:3: removed a torn last line", warnings[0]);
            Assert.Equal(new HashSet<QuestionId> { Q(1), Q(2) }, writer.AnsweredIds.ToHashSet());
            writer.Append(Q(3), "p3", "yes");
        }

        var all = AnswerFile.ReadUnique(path);
        Assert.Equal(["1", "2", "3"], all.Select(a => a.QuestionId.Text));
    }

    [Fact]
    public void Resume_keeps_a_complete_last_line_that_only_lacks_the_newline()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("run.jsonl",
            "{\"question_id\": 1, \"prompt\": \"p\", \"text\": \"yes\", \"answer_id\": \"a\", \"model_id\": \"m\", \"metadata\": {\"method\": \"x\"}}");
        var warnings = new List<string>();
        using (var writer = AnswerFileWriter.Open(path, "m", "x", warn: warnings.Add))
        {
            Assert.Empty(warnings);
            Assert.Contains(Q(1), writer.AnsweredIds);
            writer.Append(Q(2), "p", "no");
        }
        Assert.Equal(2, AnswerFile.ReadUnique(path).Count);
    }

    [Fact]
    public void Resume_refuses_a_file_of_another_model_or_method_naming_file_and_line()
    {
        using var tmp = new TempFolder();
        string path = tmp.File("run.jsonl");
        using (var writer = AnswerFileWriter.Open(path, "tiny", "baseline"))
            writer.Append(Q(1), "p", "yes");

        var e1 = Assert.Throws<BenchmarkFormatException>(() => AnswerFileWriter.Open(path, "tiny", "blink"));
        Assert.StartsWith($"{path}:1: ", e1.Message);
        Assert.Contains("method 'baseline'", e1.Message);
        var e2 = Assert.Throws<BenchmarkFormatException>(() => AnswerFileWriter.Open(path, "llava-7b", "baseline"));
        Assert.Contains("model_id 'tiny'", e2.Message);

        // Overwrite is the explicit way out.
        using (var writer = AnswerFileWriter.Open(path, "llava-7b", "baseline", AnswerFileMode.Overwrite))
            Assert.Empty(writer.AnsweredIds);
        Assert.Empty(AnswerFile.Read(path));
    }

    [Fact]
    public void Reads_llava_answer_lines_with_extra_fields_and_reports_bad_lines()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("mmb.jsonl",
            "{\"question_id\": 241, \"round_id\": 1, \"prompt\": \"Q\", \"text\": \"B\", \"options\": [\"x\", \"y\"], \"option_char\": [\"B\", \"A\"], \"answer_id\": \"abc\", \"model_id\": \"llava\", \"metadata\": {}}\n" +
            "{\"question_id\": 242, \"prompt\": \"Q\", \"answer_id\": \"abd\"}\n");
        var e = Assert.Throws<BenchmarkFormatException>(() => AnswerFile.Read(path));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("missing field \"text\"", e.Message);

        File.WriteAllLines(path, File.ReadAllLines(path).Take(1));
        AnswerRecord r = AnswerFile.Read(path).Single();
        Assert.Equal(1, (int)r.Extras["round_id"]!);
        string copy = tmp.File("copy.jsonl");
        AnswerFile.Write(copy, [r]);
        Assert.Contains("\"option_char\":[\"B\",\"A\"]", File.ReadAllText(copy));
    }

    [Fact]
    public void Merge_orders_by_question_file_and_checks_exact_coverage()
    {
        using var tmp = new TempFolder();
        var order = Enumerable.Range(1, 7).Select(i => Q(i)).ToList();
        var chunks = Enumerable.Range(0, 3).Select(k => Chunking.GetChunk(order, 3, k)).ToList();
        var shards = new List<string>();
        for (int k = 2; k >= 0; k--) // shards listed out of order on purpose
        {
            string shard = tmp.File($"3_{k}.jsonl");
            using (var w = AnswerFileWriter.Open(shard, "m", "x"))
                foreach (QuestionId id in chunks[k].Reverse())
                    w.Append(id, "p", $"answer {id.Text}");
            shards.Add(shard);
        }

        string merged = tmp.File("merge.jsonl");
        AnswerFile.MergeShards(shards, order, merged);
        Assert.Equal(order.Select(q => q.Text), AnswerFile.Read(merged).Select(a => a.QuestionId.Text));

        // Missing answers.
        var missing = Assert.Throws<InvalidDataException>(() => AnswerFile.MergeShards(shards.Take(2).ToList(), order, null));
        Assert.Contains("3 of 7 questions have no answer", missing.Message);

        // The same id in two shards.
        string dup = tmp.File("dup.jsonl");
        using (var w = AnswerFileWriter.Open(dup, "m", "x"))
            w.Append(Q(5), "p", "again");
        var twice = Assert.Throws<BenchmarkFormatException>(() => AnswerFile.MergeShards([.. shards, dup], order, null));
        Assert.Equal(dup, twice.FilePath);
        Assert.Contains("answered twice", twice.Message);

        // An answer to a question that does not exist.
        string stray = tmp.Write("stray.jsonl", "{\"question_id\": 99, \"text\": \"x\"}\n");
        var unknown = Assert.Throws<BenchmarkFormatException>(() => AnswerFile.MergeShards([.. shards, stray], order, null));
        Assert.Contains("stray.jsonl:1: question_id 99 is not in the question list", unknown.Message);
    }
}
