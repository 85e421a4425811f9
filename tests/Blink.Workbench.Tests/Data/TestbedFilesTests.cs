using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Tests.Imaging;

namespace Blink.Workbench.Tests.Data;

public class TestbedFilesTests
{
    private static readonly TestbedGenerator Generator = new(new TestbedOptions { Seed = 5 });

    [Fact]
    public void Written_split_reads_back_and_is_reproducible()
    {
        var a = ImageFixtures.TempDir();
        var b = ImageFixtures.TempDir();
        var summary = TestbedWriter.WriteSplit(Generator, TestbedSplit.Val, 8, a);
        TestbedWriter.WriteSplit(Generator, TestbedSplit.Val, 8, b);
        Assert.Equal(8, summary.Count);
        foreach (var file in new[] { TestbedWriter.QuestionsFile, TestbedWriter.ScenesFile, "images/val_000003.png" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));

        var entries = TestbedQuestionFile.Read(summary.QuestionsPath, summary.ImagesFolder);
        var scenes = TestbedQuestionFile.ReadScenes(Path.Combine(a, TestbedWriter.ScenesFile));
        Assert.Equal(8, entries.Count);
        Assert.Equal(Enumerable.Range(1, 8), entries.Select(e => e.Line));
        for (var i = 0; i < 8; i++)
        {
            using var sample = Generator.Generate(TestbedSplit.Val, i);
            var q = entries[i].Question;
            Assert.Equal(sample.Question.QuestionId, q.QuestionId);
            Assert.Equal(sample.Question.Text, q.Text);
            Assert.Equal(sample.Question.Choices, q.Choices);
            Assert.Equal(sample.Question.EvidenceBox, q.EvidenceBox);
            Assert.EndsWith("\nAnswer the question using a single word or phrase.", q.Text);
            Assert.Equal(TestbedOracle.Solve(q, scenes[i]).Answer, q.Answer);
            using var image = TestbedQuestionFile.LoadImage(entries[i], summary.ImagesFolder);
            Assert.Equal(RgbImage.FromBitmap(sample.Image).Pixels, RgbImage.FromBitmap(image).Pixels); // PNG is lossless
        }
    }

    [Fact]
    public void Missing_and_corrupt_images_report_question_file_and_line()
    {
        var dir = ImageFixtures.TempDir();
        var summary = TestbedWriter.WriteSplit(Generator, TestbedSplit.Test, 4, dir);
        File.Delete(Path.Combine(summary.ImagesFolder, "test_000002.png"));
        var missing = Assert.Throws<FileNotFoundException>(() => TestbedQuestionFile.Read(summary.QuestionsPath, summary.ImagesFolder));
        Assert.Contains($"{summary.QuestionsPath}:3", missing.Message);
        Assert.Contains("test_000002.png", missing.Message);

        File.WriteAllText(Path.Combine(summary.ImagesFolder, "test_000002.png"), "garbage");
        var entries = TestbedQuestionFile.Read(summary.QuestionsPath, summary.ImagesFolder);
        var corrupt = Assert.Throws<InvalidDataException>(() => TestbedQuestionFile.LoadImage(entries[2], summary.ImagesFolder));
        Assert.Contains($"{summary.QuestionsPath}:3", corrupt.Message);
        Assert.Contains("test_000002.png", corrupt.Message);
    }

    [Fact]
    public void Malformed_question_lines_report_file_and_line()
    {
        var path = Path.Combine(ImageFixtures.TempDir(), "q.jsonl");
        File.WriteAllLines(path,
        [
            """{"question_id":"a","image":"a.png","text":"t","category":"color","answer":"red","choices":["red"],"evidence_box":[0,0,1,1]}""",
            "",
            """{"question_id":"b","image":"b.png","text":"t","category":"color","choices":["red"],"evidence_box":[0,0,1,1]}""",
        ]);
        var e = Assert.Throws<InvalidDataException>(() => TestbedQuestionFile.Read(path));
        Assert.Contains($"{path}:3", e.Message);
        Assert.Contains("'answer'", e.Message);

        File.WriteAllText(path, "{not json\n");
        Assert.Contains($"{path}:1", Assert.Throws<InvalidDataException>(() => TestbedQuestionFile.Read(path)).Message);
    }
}

public class TestbedDatasetTests
{
    [Fact]
    public void Dataset_has_three_splits_a_tokenizer_and_the_options()
    {
        var dir = ImageFixtures.TempDir();
        var generator = new TestbedGenerator(new TestbedOptions { Seed = 3 });
        var summaries = TestbedWriter.WriteDataset(generator, dir, 3, 2, 1);
        Assert.Equal([3, 2, 1], summaries.Select(s => s.Count));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "train", "questions.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(dir, "test", "images", "test_000000.png")));
        Assert.Equal(Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer().Tokens, Blink.Workbench.Text.WordTokenizer.Load(Path.Combine(dir, "vocab.json")).Tokens);
        var options = System.Text.Json.JsonSerializer.Deserialize<TestbedOptions>(File.ReadAllText(Path.Combine(dir, "options.json")))!;
        Assert.Equal(3, options.Seed);
        Assert.Equal(generator.Options.Categories, options.Categories);
    }
}
