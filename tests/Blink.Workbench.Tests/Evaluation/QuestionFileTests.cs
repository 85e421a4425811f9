using Blink.Workbench.Evaluation;
using SkiaSharp;

namespace Blink.Workbench.Tests.Evaluation;

public class QuestionFileTests
{
    [Fact]
    public void Round_trips_int_and_string_ids_testbed_extras_and_unknown_fields()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("q.jsonl",
            "{\"question_id\": 10000001, \"image\": \"a.jpg\", \"text\": \"Is there a cat?\\nAnswer the question using a single word or phrase.\", \"category\": \"random\"}\n" +
            "\n" +
            "{\"question_id\": \"201307251\", \"image\": \"n1.jpg\", \"text\": \"Color?\", \"category\": \"default\", \"answer\": \"red\", \"choices\": [\"red\", \"blue\"], \"evidence_box\": [1, 2.5, 30, 40], \"difficulty\": {\"level\": 3}}\n");

        IReadOnlyList<QuestionRecord> q = QuestionFile.Read(path);

        Assert.Equal(2, q.Count);
        Assert.True(q[0].QuestionId.IsNumber);
        Assert.Equal("10000001", q[0].QuestionId.Text);
        Assert.False(q[1].QuestionId.IsNumber);
        Assert.Equal(3, q[1].LineNumber);
        Assert.Equal(["red", "blue"], q[1].Choices);
        Assert.Equal(new EvidenceBox(1, 2.5, 30, 40), q[1].EvidenceBox);
        Assert.Equal(3, (int)q[1].Extras["difficulty"]!["level"]!);

        string copy = tmp.File("copy.jsonl");
        QuestionFile.Write(copy, q);
        string text = File.ReadAllText(copy);
        Assert.Contains("\"question_id\":10000001,", text); // number stays a number
        Assert.Contains("\"question_id\":\"201307251\"", text); // string stays a string
        IReadOnlyList<QuestionRecord> again = QuestionFile.Read(copy);
        Assert.Equal(q[1].QuestionId, again[1].QuestionId);
        Assert.Equal(q[1].Text, again[1].Text);
        Assert.Equal(q[1].EvidenceBox, again[1].EvidenceBox);
        Assert.Equal(3, (int)again[1].Extras["difficulty"]!["level"]!);
    }

    [Theory]
    [InlineData("{\"question_id\": 2, \"image\": \"b.jpg\", \"text\": \"t\", \"category\": \"c\"", "malformed JSON")]
    [InlineData("{\"question_id\": 2, \"image\": \"b.jpg\", \"category\": \"c\"}", "missing field \"text\"")]
    [InlineData("{\"question_id\": 1, \"image\": \"b.jpg\", \"text\": \"t\", \"category\": \"c\"}", "duplicate question_id 1 (first seen on line 1)")]
    [InlineData("{\"question_id\": 2.5, \"image\": \"b.jpg\", \"text\": \"t\", \"category\": \"c\"}", "field \"question_id\" must be an integer or a string")]
    [InlineData("{\"question_id\": 2, \"image\": 7, \"text\": \"t\", \"category\": \"c\"}", "field \"image\" must be a string, found number 7")]
    [InlineData("{\"question_id\": 2, \"image\": \"b.jpg\", \"text\": \"t\", \"category\": \"c\", \"choices\": \"yes\"}", "field \"choices\" must be an array of strings")]
    [InlineData("{\"question_id\": 2, \"image\": \"b.jpg\", \"text\": \"t\", \"category\": \"c\", \"evidence_box\": [0, 0, 5]}", "evidence_box")]
    [InlineData("{\"question_id\": 2, \"image\": \"b.jpg\", \"text\": \"t\", \"category\": \"c\", \"evidence_box\": [9, 0, 5, 5]}", "x0 <= x1")]
    [InlineData("[1, 2]", "expected a JSON object")]
    public void Reports_file_and_line_of_the_bad_row(string badLine, string expected)
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("q.jsonl",
            "{\"question_id\": 1, \"image\": \"a.jpg\", \"text\": \"t\", \"category\": \"c\"}\n" +
            "{\"question_id\": \"x\", \"image\": \"a.jpg\", \"text\": \"t\", \"category\": \"c\"}\n" +
            badLine + "\n");

        var e = Assert.Throws<BenchmarkFormatException>(() => QuestionFile.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Equal(3, e.LineNumber);
        Assert.StartsWith($"{path}:3: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Duplicate_ids_are_allowed_on_request_for_llava_mme_files()
    {
        using var tmp = new TempFolder();
        string path = tmp.Write("mme.jsonl",
            "{\"question_id\": \"count/1.png\", \"image\": \"count/1.png\", \"text\": \"a\", \"category\": \"count\"}\n" +
            "{\"question_id\": \"count/1.png\", \"image\": \"count/1.png\", \"text\": \"b\", \"category\": \"count\"}\n");
        Assert.Throws<BenchmarkFormatException>(() => QuestionFile.Read(path));
        Assert.Equal(2, QuestionFile.Read(path, allowDuplicateIds: true).Count);
    }

    [Fact]
    public void Image_check_names_question_line_for_missing_and_undecodable_images()
    {
        using var tmp = new TempFolder();
        using (var bitmap = new SKBitmap(4, 4))
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100))
            File.WriteAllBytes(tmp.File("good.png"), data.ToArray());
        tmp.Write("broken.png", "not an image");
        string path = tmp.Write("q.jsonl",
            "{\"question_id\": 1, \"image\": \"good.png\", \"text\": \"t\", \"category\": \"c\"}\n" +
            "{\"question_id\": 2, \"image\": \"missing.png\", \"text\": \"t\", \"category\": \"c\"}\n" +
            "{\"question_id\": 3, \"image\": \"broken.png\", \"text\": \"t\", \"category\": \"c\"}\n");
        var records = QuestionFile.Read(path);

        var withoutDecode = QuestionFile.CheckImages(path, records, tmp.Path, decode: false);
        var withDecode = QuestionFile.CheckImages(path, records, tmp.Path, decode: true);

        Assert.Single(withoutDecode);
        Assert.Equal(2, withoutDecode[0].LineNumber);
        Assert.Contains("image not found", withoutDecode[0].Message);
        Assert.Equal(2, withDecode.Count);
        Assert.Equal(3, withDecode[1].LineNumber);
        Assert.Contains("does not decode", withDecode[1].Message);
    }
}
