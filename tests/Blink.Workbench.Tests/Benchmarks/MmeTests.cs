using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

public class MmeTests(FixtureFolder fixtures) : IClassFixture<FixtureFolder>
{
    [Theory]
    [InlineData("Yes", "yes")]
    [InlineData("no", "no")]
    [InlineData("YES.", "yes")]
    [InlineData("No, it is not.", "no")]
    [InlineData("Not at all", "no")]        // "not " contains "no"
    [InlineData("nope", "no")]
    [InlineData("There is no dog", "other")] // "ther" has neither
    [InlineData("", "other")]
    [InlineData("I think yes", "other")]    // only the first 4 characters count
    [InlineData("Yesterday", "yes")]
    public void Parser_follows_calculation_py(string text, string expected) =>
        Assert.Equal(expected, MmeAnswerParser.Parse(text));

    [Fact]
    public void Loads_both_folder_layouts_two_questions_per_image()
    {
        var items = fixtures.Load("mme");
        Assert.Equal(40, items.Count);
        Assert.Equal(8, items.Count(i => i.Category == "artwork")); // images/ + questions_answers_YN/ layout
        Assert.All(items.GroupBy(i => i.Group), g => Assert.Equal(["No", "Yes"], g.Select(i => i.GroundTruth!).Order()));
        BenchmarkItem art = items.First(i => i.Category == "artwork");
        Assert.Equal("artwork/images/0001.png", art.ImageRelativePath);
        Assert.DoesNotContain("Please answer", art.Prompt);
        Assert.EndsWith("?\nAnswer the question using a single word or phrase.", art.Prompt);
        Assert.Contains("Please answer yes or no.", art.Question);
        Assert.Equal(items.Count, items.Select(i => i.Id).Distinct().Count());
    }

    private static List<AnswerRecord> HandCraftedAnswers(IReadOnlyList<BenchmarkItem> items)
    {
        var answers = new List<AnswerRecord>();
        var code = items.Where(i => i.Category == "code_reasoning").GroupBy(i => i.Group).ToList();
        foreach (BenchmarkItem item in items)
        {
            string text = item.GroundTruth!;
            int image = code.FindIndex(g => g.Key == item.Group);
            bool yes = item.GroundTruth == "Yes";
            if (image == 1 && yes) text = "There is a dog";          // other → wrong
            if (image == 2) text = yes ? "nope" : "Yes!";           // both wrong
            if (image == 3) text = yes ? "YES." : "Not at all";     // both right, odd phrasing
            answers.Add(FixtureFolder.Answer(item, text));
        }
        return answers;
    }

    [Fact]
    public void Scores_acc_plus_acc_per_subtask_and_sums_perception_and_cognition()
    {
        var mme = new MmeBenchmark();
        var items = fixtures.Load("mme");
        BenchmarkScore score = mme.Score(items, HandCraftedAnswers(items));

        // code_reasoning: 5 of 8 questions right (acc 0.625), 2 of 4 images fully right (acc+ 0.5) → 112.5
        var code = score.PerCategory["code_reasoning"];
        Assert.Equal(0.625, code["acc"], 12);
        Assert.Equal(0.5, code["acc_plus"], 12);
        Assert.Equal(112.5, code["score"], 9);
        Assert.Equal(1, code["other"]);
        Assert.Equal(200, score.PerCategory["artwork"]["score"], 9);
        Assert.Equal(800, score.Overall["perception"], 9); // existence, color, count, artwork
        Assert.Equal(112.5, score.Overall["cognition"], 9);
        Assert.Equal(0, score.Missing);

        // A missing answer removes its whole image from the subtask.
        var oneMissing = HandCraftedAnswers(items).Where(a => a.QuestionId != items[0].Id).ToList();
        BenchmarkScore partial = mme.Score(items, oneMissing);
        Assert.Equal(1, partial.Missing);
        Assert.Equal(3, partial.PerCategory[items[0].Category]["images"]);
    }

    [Fact]
    public void Scores_llava_answer_files_whose_ids_are_image_paths()
    {
        var items = fixtures.Load("mme");
        var ours = HandCraftedAnswers(items);
        var llavaStyle = ours.Select((a, k) => a with
        {
            QuestionId = QuestionId.FromString(items[k].ImageRelativePath!), // both questions share this id
            Prompt = items[k].Prompt,
        }).ToList();
        var mme = new MmeBenchmark();
        Assert.Equal(mme.Score(items, ours).Overall["total"], mme.Score(items, llavaStyle).Overall["total"], 9);
    }

    [Fact]
    public void Writes_convert_answer_to_mme_style_files()
    {
        var items = fixtures.Load("mme");
        string outDir = Path.Combine(fixtures.Root, "out-mme");
        var answers = HandCraftedAnswers(items);
        answers[0] = answers[0] with { Text = "Yes\tbut\nno" };
        var written = new MmeBenchmark().WriteOfficialFiles(items, answers, outDir, "exp");
        Assert.Equal(5, written.Count);
        string code = written.Single(p => p.EndsWith("code_reasoning.txt"));
        Assert.Equal(Path.Combine(outDir, "eval_tool", "answers", "exp", "code_reasoning.txt"), code);
        string[] lines = File.ReadAllLines(code);
        Assert.Equal(8, lines.Length);
        Assert.All(lines, l => Assert.Equal(4, l.Split('\t').Length));
        Assert.All(lines, l => Assert.Matches(@"^\d{4}\.txt\t.*Please answer yes or no\.\t(Yes|No)\t", l));
        Assert.Equal(4, File.ReadAllLines(written[0]).First().Split('\t').Length); // tab inside the answer removed
    }

    [Fact]
    public void Malformed_question_file_names_file_and_line()
    {
        string dir = fixtures.CopyOf("mme");
        string txt = Directory.GetFiles(Path.Combine(dir, MmeBenchmark.ReleaseFolderName, "count"), "*.txt").Order().First();
        File.WriteAllText(txt, "Is it red? Please answer yes or no.\tYes\nIs it blue?\tNo\textra\n");
        var e = Assert.Throws<BenchmarkFormatException>(() => new MmeBenchmark().Load(dir));
        Assert.Equal((txt, 2), (e.FilePath, e.LineNumber!.Value));
        Assert.Contains("found 3 tab-separated field(s)", e.Message);

        File.WriteAllText(txt, "Is it red? Please answer yes or no.\tyes\n");
        var lower = Assert.Throws<BenchmarkFormatException>(() => new MmeBenchmark().Load(dir));
        Assert.Contains("answer must be Yes or No, found \"yes\"", lower.Message);
    }

    [Fact]
    public void Llava_question_file_has_llava_ids()
    {
        var items = fixtures.Load("mme");
        string path = Path.Combine(fixtures.Root, "out-mme-q", "llava_mme.jsonl");
        MmeBenchmark.WriteLlavaQuestionFile(path, items);
        var q = QuestionFile.Read(path, allowDuplicateIds: true);
        Assert.Equal(q[0].QuestionId, q[1].QuestionId);
        Assert.Equal(q[0].Image, q[0].QuestionId.Text);
        Assert.DoesNotContain("\\u", File.ReadAllText(path));
        _ = JsonNode.Parse(File.ReadLines(path).First());
    }
}
