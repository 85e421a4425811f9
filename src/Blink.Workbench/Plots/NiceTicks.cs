namespace Blink.Workbench.Plots;

/// <summary>"Nice" tick positions (1, 2, 2.5, 5 × 10^k steps), about as many as asked for, inside a range.</summary>
public static class NiceTicks
{
    public static double Step(AxisRange range, int approxCount, bool integerOnly = false)
    {
        double raw = range.Span / Math.Max(1, approxCount);
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double norm = raw / mag;
        double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
        if (integerOnly) step = Math.Max(1, Math.Round(step));
        return step;
    }

    public static IReadOnlyList<double> For(AxisRange range, int approxCount, bool integerOnly = false)
    {
        double step = Step(range, approxCount, integerOnly);
        var ticks = new List<double>();
        double first = Math.Ceiling(range.Min / step - 1e-9) * step;
        for (double t = first; t <= range.Max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    /// <summary>Label with just enough decimals for the step (no "0.30000000000000004").</summary>
    public static string Format(double value, double step)
    {
        int decimals = step >= 1 ? 0 : Math.Min(6, (int)Math.Ceiling(-Math.Log10(step) - 1e-9) + (step * Math.Pow(10, Math.Ceiling(-Math.Log10(step) - 1e-9)) % 1 == 0 ? 0 : 1));
        if (Math.Abs(value) >= 1e5 || (value != 0 && Math.Abs(value) < 1e-4)) return value.ToString("0.##e0", System.Globalization.CultureInfo.InvariantCulture);
        return value.ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
    }
}
