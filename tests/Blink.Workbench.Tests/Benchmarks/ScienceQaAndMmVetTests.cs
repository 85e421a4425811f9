using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

public class ScienceQaAndMmVetTests(FixtureFolder fixtures) : IClassFixture<FixtureFolder>
{
    [Theory]
    [InlineData("B", "B")]
    [InlineData(" C ", "C")]
    [InlineData("A. circle", "A")]
    [InlineData("The answer is D.", "D")]
    [InlineData("I think The answer is B", "B")]
    [InlineData("b", "FAILED")]              // case-sensitive
    [InlineData("A.circle", "FAILED")]       // needs ". "
    [InlineData("The answer is x.", "FAILED")]
    [InlineData("", "FAILED")]
    [InlineData("A\ncircle", "A")]           // newline becomes ". "
    public void Parser_follows_eval_science_qa(string text, string expected) =>
        Assert.Equal(expected, ScienceQaAnswerParser.Parse(text));

    [Fact]
    public void Loads_image_questions_and_scores_like_the_official_script()
    {
        var sqa = new ScienceQaBenchmark();
        var items = fixtures.Load("scienceqa-img");
        Assert.Equal(20, items.Count); // two text-only questions are not part of ScienceQA-IMG
        BenchmarkItem first = items[0];
        Assert.Equal(3, first.Options!.Count);
        Assert.DoesNotContain("<image>", first.Prompt);
        Assert.StartsWith("Context: N/A\nQuestion: Which shape is shown in the picture?\nOptions: (A) ", first.Prompt);
        Assert.EndsWith("\nAnswer with the option's letter from the given choices directly.", first.Prompt);
        using (var bitmap = first.Image.Decode())
            Assert.Equal(64, bitmap.Width);

        var answers = new List<AnswerRecord>();
        for (int k = 0; k < items.Count; k++)
        {
            BenchmarkItem i = items[k];
            string text = (k % 3) switch
            {
                0 => i.GroundTruth!,
                1 => $"{i.GroundTruth}. {i.Options![i.GroundTruth![0] - 'A']}",
                _ => $"The answer is {i.GroundTruth}.",
            };
            if (k == 4) text = i.GroundTruth!.ToLowerInvariant(); // FAILED
            if (k == 5) text = "D";                                // no option D
            if (k != 6) answers.Add(FixtureFolder.Answer(i, text)); // 6: missing → FAILED, stays in the total
        }
        BenchmarkScore score = sqa.Score(items, answers);
        Assert.Equal(17.0 / 20, score.Overall["accuracy"], 12);
        Assert.Equal(20, score.Outcomes.Count);
        Assert.Equal(2, score.Overall["failed"]);
        Assert.Equal(1, score.Missing);
    }

    [Fact]
    public void Problems_json_overrides_the_gpt_turn_and_bad_entries_name_the_line()
    {
        string dir = fixtures.CopyOf("scienceqa-img");
        var items = new ScienceQaBenchmark().Load(dir);
        var problems = new JsonObject();
        foreach (BenchmarkItem i in items)
            problems[i.Id.Text] = new JsonObject { ["answer"] = 0, ["choices"] = new JsonArray("x", "y", "z") };
        File.WriteAllText(Path.Combine(dir, "problems.json"), problems.ToJsonString());
        Assert.All(new ScienceQaBenchmark().Load(dir), i => Assert.Equal("A", i.GroundTruth));

        File.Delete(Path.Combine(dir, "problems.json"));
        string file = Path.Combine(dir, ScienceQaBenchmark.QuestionFileName);
        var doc = JsonNode.Parse(File.ReadAllText(file))!.AsArray();
        doc[1]!.AsObject().Remove("conversations");
        File.WriteAllText(file, doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        int line = File.ReadAllLines(file).Select((l, k) => (l, k)).Where(x => x.l == "  {").ElementAt(1).k + 1;
        var e = Assert.Throws<BenchmarkFormatException>(() => new ScienceQaBenchmark().Load(dir));
        Assert.Equal(line, e.LineNumber);
        Assert.Contains("missing \"conversations\"", e.Message);
    }

    [Fact]
    public void Mm_vet_exports_official_json_and_does_not_pretend_to_score()
    {
        var mmvet = new MmVetBenchmark();
        var items = fixtures.Load("mm-vet");
        Assert.Equal(12, items.Count);
        Assert.Equal("rec,spat", items[0].Category);
        Assert.Equal(items[0].Question, items[0].Prompt); // no suffix
        var answers = items.Take(10).Select(i => FixtureFolder.Answer(i, "answer " + i.Id.Text)).ToList();

        BenchmarkScore score = mmvet.Score(items, answers);
        Assert.Empty(score.Outcomes);
        Assert.Equal(2, score.Missing);
        Assert.Contains(score.Notes, n => n.Contains("external LLM"));

        string path = mmvet.WriteOfficialFiles(items, answers, Path.Combine(fixtures.Root, "out-mmvet"), "exp").Single();
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(10, json.Count);
        Assert.Equal("answer 3", (string)json["v1_3"]!);
    }
}
