using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Evaluation;

public class StatisticsTests
{
    private static bool[] Outcomes(params int[] bits) => bits.Select(b => b == 1).ToArray();

    [Fact]
    public void Exact_mcnemar_matches_hand_computed_binomial()
    {
        // A right & B wrong on 1 item, A wrong & B right on 9, plus 5 concordant items.
        bool[] a = Outcomes(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0);
        bool[] b = Outcomes(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);

        McNemarResult r = Statistics.McNemar(a, b);

        Assert.Equal((3, 1, 9, 2), (r.BothCorrect, r.AOnlyCorrect, r.BOnlyCorrect, r.BothWrong));
        // p = 2 * (C(10,0) + C(10,1)) / 2^10 = 22 / 1024
        Assert.Equal(22.0 / 1024, r.ExactPValue, 12);
        // chi² = (|1-9|-1)² / 10 = 4.9; p = erfc(sqrt(4.9/2)) = 0.026856695507524425 (Python math.erfc)
        Assert.Equal(4.9, r.ChiSquared, 12);
        Assert.Equal(0.026856695507524425, r.ChiSquaredPValue, 10);
    }

    [Fact]
    public void Exact_mcnemar_larger_and_degenerate_cases()
    {
        // 7 vs 18 discordant: p = 2 * sum_{k<=7} C(25,k) / 2^25 = 0.043285250663757324 (Python math.comb)
        bool[] a = [.. Enumerable.Repeat(true, 7), .. Enumerable.Repeat(false, 18)];
        bool[] b = a.Select(x => !x).ToArray();
        Assert.Equal(0.043285250663757324, Statistics.McNemar(a, b).ExactPValue, 12);

        // Balanced discordance: p = min(1, 2 * 0.5 + ...) = 1.
        Assert.Equal(1.0, Statistics.McNemar(Outcomes(1, 0), Outcomes(0, 1)).ExactPValue, 12);
        // No discordant pairs.
        McNemarResult same = Statistics.McNemar(Outcomes(1, 0, 1), Outcomes(1, 0, 1));
        Assert.Equal(1.0, same.ExactPValue);
        Assert.Equal(1.0, same.ChiSquaredPValue);
    }

    [Fact]
    public void Distribution_functions_match_table_values()
    {
        // χ²(1) survival = erfc(sqrt(x / 2)) (Python: math.erfc(5) for x = 50); the McNemar χ² p-value uses it.
        Assert.Equal(0.05, Statistics.ChiSquaredSurvival(3.841458820694124, 1), 10);
        Assert.Equal(1.0, Statistics.ChiSquaredSurvival(50, 1) / 1.5374597944280351e-12, 12);
        Assert.Equal(1.0, Statistics.ChiSquaredSurvival(0, 1));
        // t-based half-width of 10 values with sd 1: t(0.975, 9) / sqrt(10).
        MeanInterval m = Statistics.MeanWithConfidence([.. Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? -1.0 : 1.0)]);
        Assert.Equal(2.262157162740992 * m.StandardDeviation / Math.Sqrt(10), m.HalfWidth, 8);
    }

    [Fact]
    public void Wilson_and_clopper_pearson_for_8_of_10()
    {
        ProportionInterval w = Statistics.Wilson(8, 10);
        Assert.Equal(0.49016247153664183, w.Lower, 8); // closed form evaluated in Python
        Assert.Equal(0.9433178485456247, w.Upper, 8);

        ProportionInterval cp = Statistics.ClopperPearson(8, 10);
        Assert.InRange(cp.Lower, 0.44390445, 0.44390455); // R: binom.test(8, 10)$conf.int = 0.4439045 0.9747893
        Assert.InRange(cp.Upper, 0.97478925, 0.97478935);
        // Defining property, checked with an independent binomial sum: P(X >= 8 | lower) = P(X <= 8 | upper) = 2.5%.
        static double Pmf(int k, double p) =>
            Enumerable.Range(1, 10).Aggregate(1.0, (acc, i) => acc * i) /
            (Enumerable.Range(1, k).Aggregate(1.0, (acc, i) => acc * i) * Enumerable.Range(1, 10 - k).Aggregate(1.0, (acc, i) => acc * i)) *
            Math.Pow(p, k) * Math.Pow(1 - p, 10 - k);
        Assert.Equal(0.025, Pmf(8, cp.Lower) + Pmf(9, cp.Lower) + Pmf(10, cp.Lower), 10);
        Assert.Equal(0.025, Enumerable.Range(0, 9).Sum(k => Pmf(k, cp.Upper)), 10);

        Assert.Equal(0, Statistics.ClopperPearson(0, 10).Lower);
        Assert.Equal(1, Statistics.ClopperPearson(10, 10).Upper);
        Assert.Equal(0.025 , Math.Pow(1 - Statistics.ClopperPearson(0, 10).Upper, 10), 9); // (1-p)^n = α/2 at the bound
    }

    [Fact]
    public void Mean_interval_uses_t_quantile()
    {
        MeanInterval m = Statistics.MeanWithConfidence(Enumerable.Range(1, 10).Select(i => (double)i).ToList());
        Assert.Equal(5.5, m.Mean, 12);
        Assert.Equal(3.0276503540974917, m.StandardDeviation, 12);
        Assert.Equal(3.3341494103866083, m.Lower, 8); // 5.5 ∓ t(0.975, 9)·sd/√10 (Python)
        Assert.Equal(7.665850589613392, m.Upper, 8);
        Assert.True(double.IsNaN(Statistics.MeanWithConfidence([4.0]).Lower));
    }

    [Fact]
    public void Paired_bootstrap_is_seeded_paired_and_covers_the_difference()
    {
        var rng = new Random(7);
        int n = 2000;
        bool[] b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.6).ToArray();
        // A = B, except 10% of items flipped to right: true Δ ≈ +0.04.
        bool[] a = b.Select(x => x || rng.NextDouble() < 0.1).ToArray();

        var r1 = Statistics.PairedBootstrapAccuracyDifference(a, b, resamples: 2000, seed: 3);
        var r2 = Statistics.PairedBootstrapAccuracyDifference(a, b, resamples: 2000, seed: 3);
        var r3 = Statistics.PairedBootstrapAccuracyDifference(a, b, resamples: 2000, seed: 4);

        Assert.Equal(r1, r2); // deterministic by seed
        Assert.InRange(r3.Lower - r1.Lower, -0.01, 0.01); // another seed: another sample, same answer
        Assert.Equal((a.Count(x => x) - b.Count(x => x)) / (double)n, r1.Difference, 12);
        Assert.True(r1.Lower < r1.Difference && r1.Difference < r1.Upper);
        // A never loses an item, so every resampled difference is >= 0; pairing is what makes the CI this tight.
        Assert.True(r1.Lower >= 0);
        // Width close to the normal approximation 2·1.96·sd(d)/√n.
        double mean = r1.Difference;
        double sd = Math.Sqrt(a.Zip(b, (x, y) => Math.Pow((x ? 1 : 0) - (y ? 1 : 0) - mean, 2)).Sum() / (n - 1));
        double expectedWidth = 2 * 1.96 * sd / Math.Sqrt(n);
        Assert.InRange(r1.Upper - r1.Lower, 0.85 * expectedWidth, 1.15 * expectedWidth);

        var same = Statistics.PairedBootstrapAccuracyDifference(b, b, resamples: 100);
        Assert.Equal((0.0, 0.0), (same.Lower, same.Upper));
    }

    [Fact]
    public void Percentile_interpolates_like_numpy()
    {
        double[] sorted = [1, 2, 3, 4];
        Assert.Equal(1.075, Statistics.Percentile(sorted, 0.025), 12); // numpy.percentile([1,2,3,4], 2.5)
        Assert.Equal(3.925, Statistics.Percentile(sorted, 0.975), 12);
    }
}
