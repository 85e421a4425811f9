using MathNet.Numerics.Distributions;

namespace Blink.Workbench.Evaluation;

/// <summary>Paired bootstrap CI of acc(A) − acc(B) on the same items.</summary>
public sealed record PairedBootstrapResult(
    double AccuracyA, double AccuracyB, double Difference, double Lower, double Upper, double Level, int Resamples,
    int Seed, int Items);

/// <summary>McNemar's test on paired correctness. <see cref="AOnlyCorrect"/>/<see cref="BOnlyCorrect"/> are the
/// discordant counts (b and c in the textbook).</summary>
public sealed record McNemarResult(
    int BothCorrect, int AOnlyCorrect, int BOnlyCorrect, int BothWrong, double ExactPValue, double ChiSquared,
    double ChiSquaredPValue);

/// <summary>A proportion with its confidence interval.</summary>
public sealed record ProportionInterval(int Successes, int Trials, double Estimate, double Lower, double Upper,
    double Level);

/// <summary>A sample mean with its t-based confidence interval. Bounds are NaN with fewer than two values.</summary>
public sealed record MeanInterval(int Count, double Mean, double StandardDeviation, double StandardError,
    double HalfWidth, double Lower, double Upper, double Level);

/// <summary>
/// The statistics a method comparison needs: paired bootstrap and McNemar for two methods on the same items, Wilson
/// and Clopper–Pearson intervals for one accuracy, t intervals for means of per-sample metrics (latency, tokens).
/// </summary>
public static class Statistics
{
    /// <summary>
    /// Paired bootstrap of the accuracy difference acc(A) − acc(B): resample item indices with replacement (the same
    /// indices for both methods, which is what makes it paired), <paramref name="resamples"/> times, and take the
    /// percentile interval. Percentiles interpolate linearly between order statistics (numpy's default).
    /// </summary>
    public static PairedBootstrapResult PairedBootstrapAccuracyDifference(
        IReadOnlyList<bool> correctA, IReadOnlyList<bool> correctB, int resamples = 10_000, int seed = 0,
        double level = 0.95)
    {
        int n = CheckPaired(correctA, correctB);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        CheckLevel(level);
        var diff = new int[n];
        int sumA = 0, sumB = 0;
        for (int i = 0; i < n; i++)
        {
            int a = correctA[i] ? 1 : 0, b = correctB[i] ? 1 : 0;
            diff[i] = a - b;
            sumA += a;
            sumB += b;
        }

        var random = new Random(seed);
        var stats = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            long total = 0;
            for (int i = 0; i < n; i++)
                total += diff[random.Next(n)];
            stats[r] = (double)total / n;
        }
        Array.Sort(stats);
        double alpha = 1 - level;
        return new PairedBootstrapResult((double)sumA / n, (double)sumB / n, (double)(sumA - sumB) / n,
            Percentile(stats, alpha / 2), Percentile(stats, 1 - alpha / 2), level, resamples, seed, n);
    }

    /// <summary>
    /// McNemar's test. The exact p-value is the two-sided binomial test of the discordant pairs against p = ½
    /// (<c>min(1, 2·P(X ≤ min(b, c)))</c>, X ~ Bin(b + c, ½)); the χ² variant uses Edwards' continuity correction
    /// <c>(|b − c| − 1)² / (b + c)</c> with 1 degree of freedom. With no discordant pairs both p-values are 1.
    /// </summary>
    public static McNemarResult McNemar(IReadOnlyList<bool> correctA, IReadOnlyList<bool> correctB)
    {
        int n = CheckPaired(correctA, correctB);
        int both = 0, onlyA = 0, onlyB = 0, neither = 0;
        for (int i = 0; i < n; i++)
        {
            (bool a, bool b) = (correctA[i], correctB[i]);
            if (a && b) both++;
            else if (a) onlyA++;
            else if (b) onlyB++;
            else neither++;
        }
        int discordant = onlyA + onlyB;
        if (discordant == 0)
            return new McNemarResult(both, onlyA, onlyB, neither, 1, 0, 1);
        double exact = Math.Min(1, 2 * Binomial.CDF(0.5, discordant, Math.Min(onlyA, onlyB)));
        double corrected = Math.Max(0, Math.Abs(onlyA - onlyB) - 1);
        double chi2 = corrected * corrected / discordant;
        return new McNemarResult(both, onlyA, onlyB, neither, exact, chi2, ChiSquaredSurvival(chi2, 1));
    }

    /// <summary>Wilson score interval for a binomial proportion (good coverage even near 0 and 1).</summary>
    public static ProportionInterval Wilson(int successes, int trials, double level = 0.95)
    {
        CheckCounts(successes, trials);
        CheckLevel(level);
        double z = Normal.InvCDF(0, 1, 1 - (1 - level) / 2);
        double p = (double)successes / trials, z2 = z * z;
        double denominator = 1 + z2 / trials;
        double centre = (p + z2 / (2 * trials)) / denominator;
        double half = z * Math.Sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denominator;
        return new ProportionInterval(successes, trials, p, Math.Max(0, centre - half), Math.Min(1, centre + half), level);
    }

    /// <summary>Clopper–Pearson ("exact") binomial interval from Beta quantiles; conservative.</summary>
    public static ProportionInterval ClopperPearson(int successes, int trials, double level = 0.95)
    {
        CheckCounts(successes, trials);
        CheckLevel(level);
        double alpha = 1 - level;
        double lower = successes == 0 ? 0 : Beta.InvCDF(successes, trials - successes + 1, alpha / 2);
        double upper = successes == trials ? 1 : Beta.InvCDF(successes + 1, trials - successes, 1 - alpha / 2);
        return new ProportionInterval(successes, trials, (double)successes / trials, lower, upper, level);
    }

    /// <summary>Mean ± t-based confidence half-width (sample standard deviation with n − 1).</summary>
    public static MeanInterval MeanWithConfidence(IReadOnlyList<double> values, double level = 0.95)
    {
        CheckLevel(level);
        int n = values.Count;
        if (n == 0)
            throw new ArgumentException("need at least one value for a mean", nameof(values));
        double mean = values.Average();
        if (n == 1)
            return new MeanInterval(1, mean, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, level);
        double ss = 0;
        foreach (double v in values)
            ss += (v - mean) * (v - mean);
        double sd = Math.Sqrt(ss / (n - 1));
        double se = sd / Math.Sqrt(n);
        double half = StudentT.InvCDF(0, 1, n - 1, 1 - (1 - level) / 2) * se;
        return new MeanInterval(n, mean, sd, se, half, mean - half, mean + half, level);
    }

    /// <summary>P(X ≥ x) for X ~ χ²(k), from the upper regularized gamma function (no 1 − CDF cancellation for tiny p).</summary>
    public static double ChiSquaredSurvival(double x, double degreesOfFreedom) =>
        x <= 0 ? 1 : MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(degreesOfFreedom / 2, x / 2);

    /// <summary>Percentile of sorted data with linear interpolation between order statistics.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
            throw new ArgumentException("empty data", nameof(sorted));
        double position = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(position);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }

    private static int CheckPaired(IReadOnlyList<bool> a, IReadOnlyList<bool> b)
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"paired statistics need the same items: {a.Count} vs {b.Count} outcomes");
        if (a.Count == 0)
            throw new ArgumentException("paired statistics need at least one item");
        return a.Count;
    }

    private static void CheckCounts(int successes, int trials)
    {
        if (trials <= 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"need 0 <= successes <= trials, trials > 0 (got {successes}/{trials})");
    }

    private static void CheckLevel(double level)
    {
        if (!(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(nameof(level), level, "confidence level must be in (0, 1)");
    }
}
