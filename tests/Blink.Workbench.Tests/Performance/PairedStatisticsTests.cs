using Blink.Workbench.Performance;

namespace Blink.Workbench.Tests.Performance;

public sealed class PairedStatisticsTests
{
    private static Measurement M(string name, params double[] ms) => new(name, ms);

    [Fact]
    public void Ratio_IsPerRound_SoDriftThatMovesBothSidesCancels()
    {
        // The machine slows down by 40% over the run; the method always costs 2% more than vanilla in its own round.
        var vanilla = M("vanilla", 100, 110, 120, 130, 140);
        var method = M("blink", vanilla.Milliseconds.Select(v => v * 1.02).ToArray());
        var ratio = PairedStatistics.Ratio(vanilla, method);
        Assert.Equal(1.02, ratio.Median, 12);
        Assert.Equal(1.02, ratio.Lower, 12);
        Assert.Equal(1.02, ratio.Upper, 12);
        Assert.Equal(5, ratio.Rounds);
        Assert.Equal(Verdict.Pass, ratio.AtMost(1.03));
        Assert.Equal(Verdict.Fail, ratio.AtMost(1.01));
    }

    [Fact]
    public void AnIntervalThatStraddlesTheTarget_IsUnresolved_AndSoAreTooFewRounds()
    {
        var vanilla = M("v", 100, 100, 100, 100, 100, 100);
        var method = M("m", 99, 101, 102, 104, 105, 106);
        var ratio = PairedStatistics.Ratio(vanilla, method);
        Assert.True(ratio.Lower < 1.03 && ratio.Upper > 1.03, $"[{ratio.Lower}, {ratio.Upper}]");
        Assert.Equal(Verdict.Unresolved, ratio.AtMost(1.03));

        var two = PairedStatistics.Ratio(M("v", 100, 100), M("m", 90, 91));
        Assert.Equal(Verdict.Unresolved, two.AtMost(1.03));
    }

    [Fact]
    public void Difference_ThatIncludesZero_IsNotResolved_AndNeverReportedAsANegativeCost()
    {
        var vanilla = M("v", 100, 103, 98, 101, 99, 102);
        var noise = M("n", 101, 101, 99, 100, 100, 103);
        var d = PairedStatistics.Difference(vanilla, noise);
        Assert.False(d.Resolved);
        Assert.True(d.Lower <= 0 && d.Upper >= 0);

        var costly = M("c", 110, 113, 108, 111, 109, 112);
        var c = PairedStatistics.Difference(vanilla, costly);
        Assert.True(c.Resolved);
        Assert.Equal(10, c.Median, 12);
    }

    [Fact]
    public void RoundsWithAMissingSample_AreLeftOut()
    {
        var ratio = PairedStatistics.Ratio(M("v", 100, 100, double.NaN, 100), M("m", 110, double.NaN, 120, 110));
        Assert.Equal(2, ratio.Rounds);
        Assert.Equal(1.1, ratio.Median, 12);
        Assert.Equal(2, new Measurement("m", [1, double.NaN, 3]).Count);
        Assert.Equal(2, new Measurement("m", [1, double.NaN, 3]).Median);
    }

    [Fact]
    public void Bootstrap_IsSeeded_AndTheIntervalContainsTheMedian()
    {
        var values = new double[] { 1.00, 1.04, 0.98, 1.02, 1.10, 0.99, 1.01, 1.03 };
        var a = PairedStatistics.Of(values);
        var b = PairedStatistics.Of(values);
        Assert.Equal(a, b);
        Assert.InRange(a.Median, a.Lower, a.Upper);
        Assert.Equal(0.98, a.Min);
        Assert.Equal(1.10, a.Max);
    }

    [Fact]
    public void Ratio_RefusesMeasurementsFromDifferentRounds()
    {
        var e = Assert.Throws<ArgumentException>(() => PairedStatistics.Ratio(M("v", 1, 2, 3), M("m", 1, 2)));
        Assert.Contains("same rounds", e.Message);
    }
}
