using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Evaluation;

public class ResultsTableTests
{
    private static List<ItemOutcome> Outcomes(string pattern) =>
        pattern.Select((c, i) => new ItemOutcome($"q{i}", i % 2 == 0 ? "even" : "odd", c == '1')).ToList();

    [Fact]
    public void Rows_hold_accuracy_delta_and_mcnemar_against_the_baseline()
    {
        var table = new ResultsTable("pope", "baseline", bootstrapResamples: 500, seed: 1);
        table.Add("baseline", Outcomes("1100110000"), costs: new Dictionary<string, double> { ["visual_tokens"] = 576 });
        table.Add("blink", Outcomes("1111110001"), costs: new Dictionary<string, double> { ["visual_tokens"] = 640 },
            metrics: new Dictionary<string, double> { ["f1"] = 0.5 });

        var rows = table.BuildRows();

        ResultsRow baseAll = rows.Single(r => r.Method == "baseline" && r.Category == ResultsTable.AllCategory);
        Assert.Equal((10, 4), (baseAll.N, baseAll.Correct));
        Assert.Null(baseAll.VsBaseline);
        ResultsRow blinkAll = rows.Single(r => r.Method == "blink" && r.Category == ResultsTable.AllCategory);
        Assert.Equal(0.7, blinkAll.Accuracy, 12);
        Assert.Equal(0.3, blinkAll.VsBaseline!.Bootstrap.Difference, 12);
        Assert.Equal((3, 0), (blinkAll.VsBaseline.McNemar.AOnlyCorrect, blinkAll.VsBaseline.McNemar.BOnlyCorrect));
        Assert.Equal(0.25, blinkAll.VsBaseline.McNemar.ExactPValue, 12); // 2 * 0.5^3
        ResultsRow blinkOdd = rows.Single(r => r.Method == "blink" && r.Category == "odd");
        Assert.Equal((5, 4), (blinkOdd.N, blinkOdd.Correct)); // items 1,3,5,7,9 -> 1,1,1,0,1

        string md = table.ToMarkdown();
        Assert.Contains("| blink | all | 10 | 70.00 [", md);
        Assert.Contains("+30.00 [", md);
        Assert.Contains("0.2500", md);

        string[] csv = table.ToCsv().TrimEnd('\n').Split('\n');
        Assert.StartsWith("benchmark,method,category,n,correct,accuracy", csv[0]);
        Assert.Contains("metric_f1", csv[0]);
        Assert.Contains("cost_visual_tokens", csv[0]);
        Assert.Equal(1 + rows.Count, csv.Length);

        var json = JsonNode.Parse(table.ToJson())!;
        var jsonBlink = json["rows"]!.AsArray().First(r => (string)r!["method"]! == "blink" && (string)r["category"]! == "all")!;
        Assert.Equal(0.3, (double)jsonBlink["vs_baseline"]!["delta"]!, 12);
        Assert.Equal(640, (double)jsonBlink["costs"]!["visual_tokens"]!);
    }

    [Fact]
    public void Writes_all_three_files_atomically_without_leftovers()
    {
        using var tmp = new TempFolder();
        var table = new ResultsTable("mme", null);
        table.Add("baseline", Outcomes("10"));
        table.WriteAll(Path.Combine(tmp.Path, "out"), "mme");
        table.WriteAll(Path.Combine(tmp.Path, "out"), "mme"); // overwrite works
        Assert.Equal(["mme.csv", "mme.json", "mme.md"],
            Directory.GetFiles(Path.Combine(tmp.Path, "out")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Unknown_baseline_and_duplicate_keys_are_errors()
    {
        var table = new ResultsTable("x", "missing");
        table.Add("a", Outcomes("1"));
        Assert.Throws<InvalidOperationException>(() => table.BuildRows());
        Assert.Throws<ArgumentException>(() => table.Add("b",
            [new ItemOutcome("k", "c", true), new ItemOutcome("k", "c", false)]));
    }
}
