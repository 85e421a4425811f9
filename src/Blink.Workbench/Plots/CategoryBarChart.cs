namespace Blink.Workbench.Plots;

/// <summary>A method's score per category; Lower / Upper are absolute CI ends per category (optional).</summary>
public sealed record CategoryScores(string Method, double[] Values, double[]? Lower = null, double[]? Upper = null);

/// <summary>Per-category grouped bars (methods × categories) with CI error bars.</summary>
public static class CategoryBarChart
{
    public static Figure Create(IReadOnlyList<string> categories, IReadOnlyList<CategoryScores> methods, string title = "Results per category",
        string yTitle = "accuracy (%)", double? yMin = null, double? yMax = null)
    {
        foreach (var m in methods)
            if (m.Values.Length != categories.Count)
                throw new ArgumentException($"Method '{m.Method}' has {m.Values.Length} values for {categories.Count} categories.", nameof(methods));
        var series = methods.Select(m => (ChartSeries)new BarSeries
        {
            Name = m.Method,
            Values = m.Values,
            ErrorMinus = m.Lower is null ? null : m.Values.Select((v, i) => Math.Max(0, v - m.Lower[i])).ToArray(),
            ErrorPlus = m.Upper is null ? null : m.Values.Select((v, i) => Math.Max(0, m.Upper[i] - v)).ToArray(),
        }).ToList();
        int width = Math.Clamp(200 + categories.Count * (40 + 22 * methods.Count), 640, 1600);
        return Figure.Single(new ChartPanel
        {
            XAxis = new AxisSpec { Categories = categories.ToArray() },
            YAxis = new AxisSpec { Title = yTitle, Min = yMin, Max = yMax },
            Series = series,
        }, title, width, 480);
    }
}
