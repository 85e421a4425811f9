using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

public class GqaTests(FixtureFolder fixtures) : IClassFixture<FixtureFolder>
{
    [Theory]
    [InlineData("Red.", "red")]
    [InlineData("yes...", "yes")]
    [InlineData("Red. ", "red. ")] // Python rstrip('.') strips periods only
    [InlineData("", "")]
    public void Normalises_like_convert_gqa_for_eval(string text, string expected) =>
        Assert.Equal(expected, GqaBenchmark.NormalizePrediction(text));

    [Fact]
    public void Scores_exact_match_after_normalisation_and_writes_predictions()
    {
        var gqa = new GqaBenchmark();
        var items = fixtures.Load("gqa");
        Assert.Equal(24, items.Count);
        Assert.Equal(12, items.Count(i => i.Category == "query"));
        Assert.False(items[0].Id.IsNumber);
        using (var bitmap = items[0].Image.Decode())
            Assert.Equal(64, bitmap.Height);

        var answers = new List<AnswerRecord>();
        for (int k = 0; k < items.Count; k++)
        {
            string truth = items[k].GroundTruth!;
            string text = k switch
            {
                0 => truth.ToUpperInvariant() + ".", // right after normalisation
                1 => truth + " ",                    // trailing space survives rstrip('.') → wrong
                2 => "",                             // wrong
                3 => "x",                            // skipped below: missing
                _ => char.ToUpperInvariant(truth[0]) + truth[1..],
            };
            if (k != 3)
                answers.Add(FixtureFolder.Answer(items[k], text));
        }

        BenchmarkScore score = gqa.Score(items, answers);
        Assert.Equal((23, 1), (score.Answered, score.Missing));
        Assert.Equal(21.0 / 23, score.Overall["accuracy"], 12);

        string path = gqa.WriteOfficialFiles(items, answers, Path.Combine(fixtures.Root, "out-gqa"), "exp").Single();
        Assert.EndsWith(Path.Combine("exp", GqaBenchmark.PredictionsFileName), path);
        var predictions = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        Assert.Equal(23, predictions.Count);
        Assert.Equal(items[0].Id.Text, (string)predictions[0]!["questionId"]!);
        Assert.Equal(items[0].GroundTruth, (string)predictions[0]!["prediction"]!);
    }

    [Fact]
    public void Bad_question_entry_names_file_and_line()
    {
        string dir = fixtures.CopyOf("gqa");
        string file = Path.Combine(dir, GqaBenchmark.QuestionsFileName);
        var doc = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        string secondKey = doc.ElementAt(1).Key;
        doc[secondKey]!.AsObject().Remove("answer");
        File.WriteAllText(file, doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        int expectedLine = File.ReadAllLines(file).ToList().FindIndex(l => l.Contains($"\"{secondKey}\"")) + 1;

        var e = Assert.Throws<BenchmarkFormatException>(() => new GqaBenchmark().Load(dir));
        Assert.Equal(expectedLine, e.LineNumber);
        Assert.Contains($"question {secondKey}: missing field \"answer\"", e.Message);
    }
}
