using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Evaluation;

public class HeadroomDecompositionTests
{
    /// <summary>200 questions in two categories; a method is correct on the first <paramref name="correct"/> of each 100.</summary>
    private static List<ItemOutcome> Outcomes(int correct) =>
        [.. Enumerable.Range(0, 200).Select(i => new ItemOutcome($"q{i}", i < 100 ? "color" : "shape", i % 100 < correct))];

    private static ResultsTable Table(bool withOracle = true, int teacher = 40)
    {
        var table = new ResultsTable("testbed", "vanilla", 2000, 0);
        table.Add("vanilla", Outcomes(40));
        if (withOracle) table.Add("zoom-oracle", Outcomes(90));
        table.Add("image+evidence", Outcomes(85));
        table.Add("teacher-evidence", Outcomes(teacher));
        table.Add("tokensr-evidence", Outcomes(41));
        table.Add("salient-crop", Outcomes(50));
        table.Add("vicrop", Outcomes(45));
        return table;
    }

    [Fact]
    public void Cells_CarryDeltaCIAndHolm_AndTheirShareOfTheHeadroom()
    {
        var d = HeadroomDecomposition.From(Table());
        var oracle = d.Cell(2, 3)!;
        Assert.Equal("zoom-oracle", oracle.Method);
        Assert.Equal(0.5, oracle.Delta, 9);
        Assert.True(oracle.DeltaLower > 0.4 && oracle.DeltaUpper < 0.6);
        Assert.Equal(1.0, oracle.ShareOfHeadroom, 9);
        var crop = d.Cell(0, 3)!;
        Assert.Equal(0.2, crop.ShareOfHeadroom, 9);
        Assert.All(d.Cells, c => Assert.True(c.HolmP >= c.McNemarP - 1e-15));
        Assert.Null(d.Cell(1, 0)); // interp-vicrop was not run
        Assert.Equal(["all", "color", "shape"], d.Categories);
        Assert.Equal(100, d.Cell(2, 2, "color")!.N);
    }

    [Fact]
    public void Statements_FollowTheNumbers()
    {
        var flat = string.Join("\n", HeadroomDecomposition.From(Table()).Statements());
        Assert.Contains("answers 90.0% against vanilla's 40.0%, +50.0", flat);
        Assert.Contains("The ceiling does not help significantly, so no TokenSR trained to match these targets can.", flat);
        Assert.Contains("the salient window gives +10.0", flat);
        Assert.Contains("20% of the headroom", flat);
        Assert.Contains("the best located crop recovers 20% of the headroom", flat);

        var helps = string.Join("\n", HeadroomDecomposition.From(Table(teacher: 70)).Statements());
        Assert.Contains("The ceiling helps", helps);
        Assert.Contains("recovers at most 60% of the headroom", helps);

        var none = HeadroomDecomposition.From(Table(withOracle: false)).Statements();
        Assert.Single(none);
        Assert.Contains("was not run", none[0]);
    }

    [Fact]
    public void WritesMarkdownJsonAndFigure()
    {
        var folder = Path.Combine(Path.GetTempPath(), "blink-decomposition-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var md = HeadroomDecomposition.From(Table()).WriteAll(folder, "blink eval …");
            var text = File.ReadAllText(md);
            Assert.Contains("| evidence |", text);
            Assert.Contains("(Holm ", text);
            Assert.Contains("Reproduce: `blink eval …`", text);
            var png = global::Blink.Workbench.Plots.DecompositionChart.WritePng(Path.Combine(folder, "decomposition.json"));
            Assert.True(new FileInfo(png).Length > 1000);
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "decomposition.json")))!;
            Assert.Equal("Holm over the cells of each category", json["adjustment"]!.GetValue<string>());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void ATableAgainstAnotherBaseline_IsRefused() =>
        Assert.Contains("compares with vanilla", Assert.Throws<ArgumentException>(() => HeadroomDecomposition.From(new ResultsTable("testbed", "blink"))).Message);
}
