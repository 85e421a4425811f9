using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

public class PopeTests(FixtureFolder fixtures) : IClassFixture<FixtureFolder>
{
    [Theory]
    [InlineData("Yes", "yes")]
    [InlineData("No", "no")]
    [InlineData("No, there is no cat.", "no")]
    [InlineData("Yes, there is a red square in the image.", "yes")]
    [InlineData("Yes. There is no dog.", "yes")]      // only the first sentence counts
    [InlineData("There is not a dog in the image", "no")]
    [InlineData("Not really", "yes")]                 // "Not" is not in {No, not, no}
    [InlineData("NO", "yes")]                         // case-sensitive words
    [InlineData("", "yes")]                           // empty answer → yes
    [InlineData("No\nthere is", "yes")]               // newline is not a split point
    [InlineData("no,", "no")]                         // comma removed
    [InlineData("nothing", "yes")]                    // whole words only
    public void Parser_follows_the_official_rule(string text, string expected) =>
        Assert.Equal(expected, PopeAnswerParser.Parse(text));

    [Fact]
    public void Loads_with_llava_ids_and_labels_joined_from_annotations()
    {
        var items = fixtures.Load("pope");
        Assert.Equal(36, items.Count);
        Assert.Equal(["adversarial", "popular", "random"], items.Select(i => i.Category).Distinct().Order());
        BenchmarkItem random1 = items.Single(i => i.Id == QuestionId.FromNumber(10_000_001));
        Assert.Equal("random", random1.Category);
        Assert.EndsWith("\nAnswer the question using a single word or phrase.", random1.Prompt);
        Assert.Equal(18, items.Count(i => i.GroundTruth == "yes"));
        using var bitmap = random1.Image.Decode();
        Assert.Equal(64, bitmap.Width);
    }

    [Fact]
    public void Without_the_llava_question_file_ids_follow_llava_numbering()
    {
        string dir = fixtures.CopyOf("pope");
        File.Delete(Path.Combine(dir, PopeBenchmark.LlavaQuestionFileName));
        var fromAnnotations = new PopeBenchmark().Load(dir);
        var fromLlava = fixtures.Load("pope");
        Assert.Equal(fromLlava.Select(i => (i.Id, i.GroundTruth, i.Prompt)).OrderBy(x => x.Id.ToInt64()),
            fromAnnotations.Select(i => (i.Id, i.GroundTruth, i.Prompt)).OrderBy(x => x.Id.ToInt64()));
    }

    [Fact]
    public void Scores_hand_computed_confusion_with_official_edge_cases()
    {
        var pope = new PopeBenchmark();
        var items = fixtures.Load("pope");
        var answers = new List<AnswerRecord>();
        int yesSeen = 0, noSeen = 0;
        foreach (BenchmarkItem item in items)
        {
            string text = item.GroundTruth == "yes" ? "Yes, there is one." : "No.";
            if (item.Category == "random" && item.GroundTruth == "yes" && yesSeen++ < 2)
                text = yesSeen == 1 ? "No" : "I am not sure."; // 2 false negatives
            else if (item.Category == "random" && item.GroundTruth == "no" && noSeen++ < 3)
                text = noSeen switch { 1 => "NO", 2 => "", _ => "Yes. There is no such shape." }; // 3 false positives
            answers.Add(FixtureFolder.Answer(item, text));
        }
        answers.Reverse(); // order does not matter: answers are matched by question_id

        BenchmarkScore score = pope.Score(items, answers);

        var random = score.PerCategory["random"];
        Assert.Equal((4.0, 3.0, 3.0, 2.0), (random["tp"], random["fp"], random["tn"], random["fn"]));
        Assert.Equal(7.0 / 12, random["accuracy"], 12);
        Assert.Equal(4.0 / 7, random["precision"], 12);
        Assert.Equal(4.0 / 6, random["recall"], 12);
        Assert.Equal(8.0 / 13, random["f1"], 12);
        Assert.Equal(7.0 / 12, random["yes_ratio"], 12);
        Assert.Equal(1.0, score.PerCategory["adversarial"]["accuracy"]);
        Assert.Equal(1.0, score.PerCategory["popular"]["f1"]);
        Assert.Equal(31.0 / 36, score.Overall["accuracy"], 12);
        Assert.Equal(36, score.Outcomes.Count);
        Assert.Equal(5, score.Outcomes.Count(o => !o.Correct));

        // One answer missing, one stray answer.
        var partial = answers.Skip(1).Append(new AnswerRecord { QuestionId = QuestionId.FromNumber(99), Text = "yes" }).ToList();
        BenchmarkScore partialScore = pope.Score(items, partial);
        Assert.Equal((35, 1, 1), (partialScore.Answered, partialScore.Missing, partialScore.Unmatched));
    }

    [Fact]
    public void Annotation_errors_name_file_and_line()
    {
        string dir = fixtures.CopyOf("pope");
        string file = Path.Combine(dir, "coco", "coco_pope_popular.json");
        var lines = File.ReadAllLines(file);
        lines[1] = lines[1].Replace("\"label\":\"no\"", "\"label\":\"maybe\"").Replace("\"label\":\"yes\"", "\"label\":\"maybe\"");
        File.WriteAllLines(file, lines);
        var e = Assert.Throws<BenchmarkFormatException>(() => new PopeBenchmark().Load(dir));
        Assert.Equal(file, e.FilePath);
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("\"maybe\"", e.Message);
    }

    [Fact]
    public void Writes_llava_answer_and_question_files_for_the_official_script()
    {
        var items = fixtures.Load("pope");
        string outDir = Path.Combine(fixtures.Root, "out-pope");
        var written = new PopeBenchmark().WriteOfficialFiles(items, items.Select(i => FixtureFolder.Answer(i, "Yes")).ToList(), outDir, "exp");
        Assert.Equal(36, AnswerFile.Read(written[0]).Count);
        var questions = QuestionFile.Read(written[1]);
        Assert.Equal(items.Select(i => i.Id), questions.Select(q => q.QuestionId));
    }
}
