using Blink.Workbench.Performance;

namespace Blink.Workbench.Tests.Performance;

public sealed class InterleavedRoundsTests
{
    [Fact]
    public void Order_RotatesByOnePlacePerRound_WarmUpRoundsIncluded()
    {
        Assert.Equal([0, 1, 2], InterleavedRounds.Order(0, 3));
        Assert.Equal([1, 2, 0], InterleavedRounds.Order(1, 3));
        Assert.Equal([2, 0, 1], InterleavedRounds.Order(2, 3));
        Assert.Equal([0, 1, 2], InterleavedRounds.Order(3, 3));
        Assert.Equal([2, 0, 1], InterleavedRounds.Order(-1, 3));
    }

    [Fact]
    public void Run_RunsEveryCaseOncePerRound_AndKeepsSampleIAsRoundI()
    {
        var log = new List<string>();
        var round = -2;
        BenchCase Case(string name, double ms) => new(name, () =>
        {
            log.Add(name);
            return new RunSample(ms + Math.Max(round, 0), TokensProcessed: name.Length, PeakBytes: 100 + log.Count);
        });
        var cases = new[] { Case("a", 10), Case("bb", 20), Case("ccc", 30) };
        var result = InterleavedRounds.Run(cases, 2, 3, _ => round++);

        // Warm-up rounds −2 and −1 rotate like the rest, so timed round 0 starts with the first case.
        Assert.Equal(["bb", "ccc", "a", "ccc", "a", "bb", "a", "bb", "ccc", "bb", "ccc", "a", "ccc", "a", "bb"], log);
        Assert.Equal([10.0, 11, 12], result[0].Milliseconds);
        Assert.Equal([20.0, 21, 22], result[1].Milliseconds);
        Assert.Equal(3, result[2].TokensProcessed);
        Assert.Equal(100 + 15, result[1].PeakBytes); // the largest peak over the timed rounds (its last run)
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, -1)]
    public void Run_RefusesNoRoundsOrNegativeWarmUp(int rounds, int warmup)
    {
        var cases = new[] { new BenchCase("a", () => new RunSample(1)) };
        Assert.Throws<ArgumentOutOfRangeException>(() => InterleavedRounds.Run(cases, warmup, rounds));
    }
}
