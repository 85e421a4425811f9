namespace Blink.Workbench.Plots;

/// <summary>A metric along layers (or any x) with an optional confidence band [Lower, Upper].</summary>
public sealed record MetricCurve(string Name, double[] X, double[] Y, double[]? Lower = null, double[]? Upper = null);

/// <summary>A titled group of curves drawn in one panel.</summary>
public sealed record MetricPanel(string Title, IReadOnlyList<MetricCurve> Curves, string? YTitle = null);

/// <summary>Metric-vs-layer curves with confidence bands.</summary>
public static class MetricCurveChart
{
    /// <summary>All curves in one panel.</summary>
    public static Figure Create(IReadOnlyList<MetricCurve> curves, string title, string xTitle = "decoder layer", string yTitle = "value", bool integerX = true) =>
        Figure.Single(Panel(new MetricPanel("", curves, yTitle), xTitle, integerX) with { Title = null }, title, 820, 480);

    /// <summary>One panel per metric (series with the same name share colour and legend entry across panels).</summary>
    public static Figure CreatePanels(IReadOnlyList<MetricPanel> metrics, string title, string xTitle = "decoder layer", int columns = 2, bool integerX = true) =>
        Figure.Grid(metrics.Select(m => Panel(m, xTitle, integerX)).ToList(), columns, title, 420, 300);

    private static ChartPanel Panel(MetricPanel m, string xTitle, bool integerX) => new()
    {
        Title = m.Title,
        XAxis = new AxisSpec { Title = xTitle, IntegerTicks = integerX },
        YAxis = new AxisSpec { Title = m.YTitle },
        Series = m.Curves.Select(c => (ChartSeries)new XYSeries
        {
            Name = c.Name, X = c.X, Y = c.Y, BandLower = c.Lower, BandUpper = c.Upper,
            Mode = c.X.Length <= 40 ? LineMode.LinesAndMarkers : LineMode.Lines, MarkerSize = 5,
        }).ToList(),
    };
}
