using System.IO.Compression;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

public class MmBenchTests(FixtureFolder fixtures) : IClassFixture<FixtureFolder>
{
    private static readonly string[] Options = ["red", "dark red", "blue", "green"];

    [Theory]
    [InlineData("B", "B")]
    [InlineData("B.", "B")]
    [InlineData("(C)", "C")]
    [InlineData("C. blue", "C")]
    [InlineData("D) green", "D")]
    [InlineData("The answer is A.", "A")]
    [InlineData("Answer: C", "C")]
    [InlineData("blue", "C")]          // option text
    [InlineData("It is green.", "D")]  // exactly one option text inside
    [InlineData("red", "A")]           // "red" is inside "dark red" too, but equals option A exactly
    [InlineData("", null)]
    [InlineData("E", null)]            // beyond the 4 options
    [InlineData("I do not know", null)]
    [InlineData("blue or green", null)] // two option texts
    public void Extracts_letters_by_rules(string text, string? expected) =>
        Assert.Equal(expected, MmBenchAnswerExtractor.Extract(text, Options));

    [Fact]
    public void Generates_rotations_and_builds_llava_prompts()
    {
        var items = fixtures.Load("mmbench");
        Assert.Equal(7 * 4 + 3, items.Count); // question 5 has three options
        var three = items.Where(i => i.Group == "5").OrderBy(i => i.RoundId).ToList();
        Assert.Equal([5L, 1_000_005L, 2_000_005L], three.Select(i => i.Id.ToInt64()));
        Assert.Equal(three[0].Options!.Skip(1).Append(three[0].Options![0]), three[1].Options!);
        // The ground truth letter follows its option text through the rotations.
        foreach (BenchmarkItem i in three)
            Assert.Equal(three[0].Options![three[0].GroundTruth![0] - 'A'], i.Options![i.GroundTruth![0] - 'A']);

        BenchmarkItem withHint = items.First(i => i.Group == "0" && i.RoundId == 0);
        string expected = "There is one shape in the image.\n" + withHint.Question + "\n" +
            string.Join("\n", withHint.Options!.Select((o, k) => $"{(char)('A' + k)}. {o}")) +
            "\nAnswer with the option's letter from the given choices directly.";
        Assert.Equal(expected, withHint.Prompt);
        BenchmarkItem noHint = items.First(i => i.Group == "1");
        Assert.StartsWith(noHint.Question + "\nA. ", noHint.Prompt);
        Assert.Equal(["A", "B", "C"], new MmBenchBenchmark(false).CandidateAnswers(three[0]));
        using var bitmap = three[2].Image.Decode();
        Assert.Equal(64, bitmap.Width);
    }

    [Fact]
    public void Circular_score_needs_every_round_right()
    {
        var bench = new MmBenchBenchmark(false);
        var items = fixtures.Load("mmbench");
        var answers = new List<AnswerRecord>();
        foreach (BenchmarkItem i in items)
        {
            string text = i.GroundTruth!;
            if (i.Group == "2" && i.RoundId == 2)
                text = i.GroundTruth == "A" ? "B" : "A";                      // one wrong rotation
            else if (i.Group == "4" && i.RoundId == 0)
                text = i.Options![i.GroundTruth![0] - 'A'];                   // option text instead of letter
            else if (i.Group == "6" && i.RoundId == 1)
                text = $"The answer is {i.GroundTruth}.";
            answers.Add(FixtureFolder.Answer(i, text));
        }

        BenchmarkScore score = bench.Score(items, answers);
        Assert.Equal(7.0 / 8, score.Overall["circular_accuracy"], 12);
        Assert.Equal(1.0, score.Overall["single_pass_accuracy"], 12);
        Assert.Equal(8, score.Outcomes.Count);
        Assert.False(score.Outcomes.Single(o => o.Key == "2").Correct);

        // An empty answer fails extraction and the question; a missing round leaves the question out.
        answers[0] = answers[0] with { Text = "" };
        answers.RemoveAt(answers.Count - 1);
        BenchmarkScore worse = bench.Score(items, answers);
        Assert.Equal(7, worse.Outcomes.Count);
        Assert.Equal(1, worse.Missing);
        Assert.Equal(1, worse.Overall["unparsed_answers"]);
        Assert.Equal(5.0 / 7, worse.Overall["circular_accuracy"], 12);
    }

    [Fact]
    public void Chinese_tsv_with_rotations_already_present()
    {
        var items = fixtures.Load("mmbench-cn");
        Assert.Equal(24, items.Count);
        Assert.Equal(6, items.Select(i => i.Group).Distinct().Count());
        Assert.All(items, i => Assert.EndsWith("\n请直接回答选项字母。", i.Prompt));
        BenchmarkItem rotated = items.First(i => i.RoundId == 3);
        using (var bitmap = rotated.Image.Decode()) // image cell refers to the original row's index
            Assert.Equal(64, bitmap.Width);
        var answers = items.Select(i => FixtureFolder.Answer(i, i.GroundTruth + ".")).ToList();
        Assert.Equal(1.0, new MmBenchBenchmark(true).Score(items, answers).Overall["circular_accuracy"]);
    }

    [Fact]
    public void Writes_xlsx_and_tsv_submission()
    {
        var bench = new MmBenchBenchmark(false);
        var items = fixtures.Load("mmbench");
        var answers = items.Select(i => FixtureFolder.Answer(i, i.GroundTruth!)).ToList();
        var written = bench.WriteOfficialFiles(items, answers, Path.Combine(fixtures.Root, "out-mmb"), "exp");
        string[] tsv = File.ReadAllLines(written[1]);
        Assert.Equal("index\tquestion\tA\tB\tC\tD\tprediction\tanswer\tcategory\tl2-category", tsv[0]);
        Assert.Equal(9, tsv.Length);
        // A second reader (the Open XML SDK) sees the same table: header, numbers as numbers, empty cells for nulls.
        var rows = SpreadsheetRows(written[0]);
        Assert.Equal(9, rows.Count);
        Assert.Equal(tsv[0].Split('\t'), rows[0].Select(c => c.Text));
        for (int r = 1; r < rows.Count; r++)
        {
            var fields = tsv[r].Split('\t');
            Assert.True(rows[r][0].IsNumber, $"row {r}: index is a number");
            Assert.Equal(fields, Enumerable.Range(0, fields.Length).Select(c => c < rows[r].Count ? rows[r][c].Text : ""));
        }
    }

    private static List<List<(string Text, bool IsNumber)>> SpreadsheetRows(string path)
    {
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(path, false);
        var part = document.WorkbookPart!;
        var shared = part.SharedStringTablePart?.SharedStringTable.Elements<DocumentFormat.OpenXml.Spreadsheet.SharedStringItem>()
            .Select(i => i.InnerText).ToList() ?? [];
        var sheet = part.WorksheetParts.Single().Worksheet;
        var result = new List<List<(string, bool)>>();
        foreach (var row in sheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>())
        {
            var cells = new List<(string, bool)>();
            foreach (var cell in row.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>())
            {
                int column = ColumnIndex(cell.CellReference!.Value!);
                while (cells.Count < column) cells.Add(("", false));
                var type = cell.DataType?.Value;
                string text = type == DocumentFormat.OpenXml.Spreadsheet.CellValues.SharedString ? shared[int.Parse(cell.CellValue!.Text)]
                    : type == DocumentFormat.OpenXml.Spreadsheet.CellValues.InlineString ? cell.InlineString!.InnerText
                    : cell.CellValue?.Text ?? "";
                bool number = type is null || type == DocumentFormat.OpenXml.Spreadsheet.CellValues.Number;
                cells.Add((text, number && text.Length > 0));
            }
            result.Add(cells);
        }
        return result;
    }

    private static int ColumnIndex(string reference) =>
        reference.TakeWhile(char.IsLetter).Aggregate(0, (n, ch) => n * 26 + (ch - 'A' + 1)) - 1;

    [Fact]
    public void Tsv_errors_name_file_and_line()
    {
        string dir = fixtures.CopyOf("mmbench");
        string tsv = Directory.GetFiles(dir, "*.tsv").Single();
        var lines = File.ReadAllLines(tsv);
        lines[3] = lines[3].Replace("\tattribute_recognition", "").Replace("\tobject_localization", "");
        File.WriteAllLines(tsv, lines);
        var e = Assert.Throws<BenchmarkFormatException>(() => new MmBenchBenchmark(false).Load(dir));
        Assert.Equal((tsv, 4), (e.FilePath, e.LineNumber!.Value));
        Assert.Contains("expected 13 tab-separated fields", e.Message);

        lines = File.ReadAllLines(tsv);
        lines[3] = string.Join('\t', lines[2].Split('\t').Select((c, k) => k == 0 ? "2" : k == 7 ? "Z" : c));
        File.WriteAllLines(tsv, lines);
        var bad = Assert.Throws<BenchmarkFormatException>(() => new MmBenchBenchmark(false).Load(dir));
        Assert.Equal(4, bad.LineNumber);
        Assert.Contains("answer \"Z\" is not one of the", bad.Message);
    }

    [Fact]
    public void Tsv_reader_handles_quoted_fields_and_pandas_missing_values()
    {
        string dir = Path.Combine(fixtures.Root, "tsv-quoted");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "t.tsv");
        File.WriteAllText(path, "a\tb\tc\n1\t\"x\ty\n\"\"z\"\"\"\tNA\n2\t\tnone\n");
        TsvTable t = TsvTable.Read(path);
        Assert.Equal(2, t.Rows.Count);
        Assert.Equal("x\ty\n\"z\"", t.Get(t.Rows[0], "b"));
        Assert.Equal(4, t.Rows[1].Line); // the quoted newline moved row 2 to line 4
        Assert.True(TsvTable.IsMissing(t.Get(t.Rows[0], "c")));
        Assert.True(TsvTable.IsMissing(t.Get(t.Rows[1], "b")));
        Assert.True(TsvTable.IsMissing("None"));
        Assert.False(TsvTable.IsMissing("No"));
    }
}
