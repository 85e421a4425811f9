namespace Blink.Workbench.Evaluation;

/// <summary>Which family-wise or false-discovery adjustment a table's p-values carry.</summary>
public enum PAdjustment
{
    /// <summary>Holm's step-down (family-wise error rate), for method tables.</summary>
    Holm,
    /// <summary>Benjamini–Hochberg step-up (false discovery rate), for sweeps.</summary>
    BenjaminiHochberg,
}

/// <summary>
/// p-values adjusted for multiple comparisons, as R's <c>p.adjust</c> computes them (same order in, same order out;
/// NaN entries are left out of the family and stay NaN). Hand-written: both are a sort and a running extremum, and
/// MathNet.Numerics, the project's statistics library, has no p-value adjustment.
/// </summary>
public static class MultipleComparisons
{
    public static double[] Adjust(IReadOnlyList<double> p, PAdjustment method) => method switch
    {
        PAdjustment.Holm => Holm(p),
        PAdjustment.BenjaminiHochberg => BenjaminiHochberg(p),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown adjustment."),
    };

    /// <summary>Holm: the i-th smallest of m p-values times (m − i + 1), made non-decreasing, capped at 1.</summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        var (order, m) = Family(p);
        var result = Enumerable.Repeat(double.NaN, p.Count).ToArray();
        var running = 0.0;
        for (var i = 0; i < order.Length; i++)
        {
            running = Math.Max(running, Math.Min(1, (m - i) * p[order[i]]));
            result[order[i]] = running;
        }
        return result;
    }

    /// <summary>Benjamini–Hochberg: the i-th smallest of m p-values times m / i, made non-decreasing from the top, capped at 1.</summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> p)
    {
        var (order, m) = Family(p);
        var result = Enumerable.Repeat(double.NaN, p.Count).ToArray();
        var running = 1.0;
        for (var i = order.Length - 1; i >= 0; i--)
        {
            running = Math.Min(running, Math.Min(1, (double)m / (i + 1) * p[order[i]]));
            result[order[i]] = running;
        }
        return result;
    }

    /// <summary>A sentence naming the adjustment, for table notes.</summary>
    public static string Describe(PAdjustment method, int family, string over) => method switch
    {
        PAdjustment.Holm => $"Holm-adjusted p: Holm's step-down over the {family} comparisons {over} (family-wise error rate)",
        _ => $"BH-adjusted p: Benjamini–Hochberg over the {family} comparisons {over} (false discovery rate)",
    };

    private static (int[] Order, int M) Family(IReadOnlyList<double> p)
    {
        for (var i = 0; i < p.Count; i++)
            if (p[i] is < 0 or > 1)
                throw new ArgumentOutOfRangeException(nameof(p), $"p-value {i} is {p[i]}, outside [0, 1].");
        var order = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ThenBy(i => i).ToArray();
        return (order, order.Length);
    }
}
