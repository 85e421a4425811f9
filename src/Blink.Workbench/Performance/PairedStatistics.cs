using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Performance;

/// <summary>Where a measured value stands against an upper-bound target, given its interval.</summary>
public enum Verdict
{
    /// <summary>The whole interval is at or below the target.</summary>
    Pass,
    /// <summary>The whole interval is above the target.</summary>
    Fail,
    /// <summary>The interval straddles the target, or there are too few rounds to tell.</summary>
    Unresolved,
}

/// <summary>
/// The median of per-round paired values (ratios or differences to a baseline measured in the same round) with a
/// percentile-bootstrap 95% interval of that median, and the range of the values.
/// </summary>
public sealed record PairedEstimate(double Median, double Lower, double Upper, double Min, double Max, int Rounds)
{
    /// <summary>Fewer rounds than this never give a verdict: the interval of a median of one or two values means little.</summary>
    public const int MinRoundsForVerdict = 3;

    /// <summary>PASS when the interval lies at or below <paramref name="target"/>, FAIL when it lies above, else UNRESOLVED.</summary>
    public Verdict AtMost(double target) =>
        Rounds < MinRoundsForVerdict || double.IsNaN(Median) ? Verdict.Unresolved
        : Upper <= target ? Verdict.Pass
        : Lower > target ? Verdict.Fail
        : Verdict.Unresolved;

    /// <summary>True when the interval excludes zero (a difference that the noise does not explain).</summary>
    public bool Resolved => Rounds >= MinRoundsForVerdict && (Lower > 0 || Upper < 0);

    /// <summary>Every value multiplied by a positive factor (e.g. a ratio divided by the token ratio).</summary>
    public PairedEstimate Scale(double factor)
    {
        if (!(factor > 0)) throw new ArgumentOutOfRangeException(nameof(factor), $"The factor must be positive, got {factor}.");
        return new PairedEstimate(Median * factor, Lower * factor, Upper * factor, Min * factor, Max * factor, Rounds);
    }
}

/// <summary>
/// Paired comparisons of interleaved measurements (<see cref="InterleavedRounds"/>): sample i of both measurements is
/// from round i, so the per-round ratio or difference cancels drift that moves both. The estimate is the median of the
/// per-round values; its interval is a percentile bootstrap of the median (seeded, reproducible). Rounds where either
/// side is NaN (a run that could not be made) are left out.
/// </summary>
public static class PairedStatistics
{
    public const int DefaultResamples = 4000;

    /// <summary>Per-round other / baseline.</summary>
    public static PairedEstimate Ratio(Measurement baseline, Measurement other, int resamples = DefaultResamples, int seed = 0) =>
        Of(Pairs(baseline, other).Select(p => p.Other / p.Baseline).ToArray(), resamples, seed);

    /// <summary>Per-round other − baseline (milliseconds).</summary>
    public static PairedEstimate Difference(Measurement baseline, Measurement other, int resamples = DefaultResamples, int seed = 0) =>
        Of(Pairs(baseline, other).Select(p => p.Other - p.Baseline).ToArray(), resamples, seed);

    /// <summary>Median of <paramref name="values"/> with a percentile-bootstrap 95% interval of the median.</summary>
    public static PairedEstimate Of(IReadOnlyList<double> values, int resamples = DefaultResamples, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return new PairedEstimate(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        var random = new Random(seed);
        var medians = new double[resamples];
        var draw = new double[finite.Length];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < draw.Length; i++) draw[i] = finite[random.Next(finite.Length)];
            medians[r] = Median(draw);
        }
        Array.Sort(medians);
        return new PairedEstimate(Median(finite), Statistics.Percentile(medians, 0.025), Statistics.Percentile(medians, 0.975),
            finite.Min(), finite.Max(), finite.Length);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static IEnumerable<(double Baseline, double Other)> Pairs(Measurement baseline, Measurement other)
    {
        if (baseline.Milliseconds.Length != other.Milliseconds.Length)
            throw new ArgumentException($"Paired statistics need the same rounds: {baseline.Name} has {baseline.Milliseconds.Length}, {other.Name} {other.Milliseconds.Length}.");
        for (var i = 0; i < baseline.Milliseconds.Length; i++)
        {
            var (b, o) = (baseline.Milliseconds[i], other.Milliseconds[i]);
            if (double.IsFinite(b) && double.IsFinite(o)) yield return (b, o);
        }
    }
}
