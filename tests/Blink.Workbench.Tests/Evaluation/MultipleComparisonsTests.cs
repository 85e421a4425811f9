using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Evaluation;

public class MultipleComparisonsTests
{
    // Expected values from R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") and p.adjust(..., "BH").
    private static readonly double[] P = [0.01, 0.04, 0.03, 0.005];

    [Fact]
    public void Holm_MatchesR()
    {
        var adjusted = MultipleComparisons.Holm(P);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(v => Math.Round(v, 12)).ToArray());
    }

    [Fact]
    public void BenjaminiHochberg_MatchesR()
    {
        var adjusted = MultipleComparisons.BenjaminiHochberg(P);
        Assert.Equal([0.02, 0.04, 0.04, 0.02], adjusted.Select(v => Math.Round(v, 12)).ToArray());
    }

    [Fact]
    public void AdjustedValues_AreCappedAtOne_NeverBelowTheRaw_AndNaNStaysOut()
    {
        double[] p = [0.5, double.NaN, 0.9, 0.2];
        var holm = MultipleComparisons.Holm(p);
        Assert.True(double.IsNaN(holm[1]));
        Assert.Equal([1.0, double.NaN, 1.0, 0.6], holm.Select(v => Math.Round(v, 12)).ToArray());
        var bh = MultipleComparisons.BenjaminiHochberg(p);
        for (var i = 0; i < p.Length; i++)
            if (!double.IsNaN(p[i])) Assert.InRange(bh[i], p[i], 1);
        Assert.Equal([1.0], MultipleComparisons.Holm([1.0]));
        Assert.Empty(MultipleComparisons.Holm([]));
    }

    [Fact]
    public void APValueOutsideZeroToOne_IsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MultipleComparisons.Holm([0.1, 1.2]));
        Assert.Contains("p-value 1 is 1.2", e.Message);
    }
}
