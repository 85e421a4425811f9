namespace Blink.Workbench.Plots;

/// <summary>
/// A method's accuracy and cost. Accuracy bounds are absolute CI ends (e.g. 95 % bootstrap), cost error a ± value.
/// </summary>
public sealed record MethodResult(string Method, double Cost, double Accuracy, double? CostError = null, double? AccuracyLower = null, double? AccuracyUpper = null);

/// <summary>Accuracy-vs-cost scatter of methods, with error bars on both axes.</summary>
public static class AccuracyCostChart
{
    public static Figure Create(IReadOnlyList<MethodResult> methods, string title = "Accuracy vs. cost",
        string costTitle = "cost (TFLOPs per sample)", string accuracyTitle = "accuracy (%)")
    {
        var series = methods.Select(m => (ChartSeries)new XYSeries
        {
            Name = m.Method, X = [m.Cost], Y = [m.Accuracy], Mode = LineMode.Markers, MarkerSize = 11, Marker = MarkerShape.Circle,
            ErrorXMinus = m.CostError is { } ce ? [ce] : null, ErrorXPlus = m.CostError is { } cp ? [cp] : null,
            ErrorYMinus = m.AccuracyLower is { } lo ? [Math.Max(0, m.Accuracy - lo)] : null,
            ErrorYPlus = m.AccuracyUpper is { } hi ? [Math.Max(0, hi - m.Accuracy)] : null,
            PointLabels = [m.Method],
        }).ToList();
        return Figure.Single(new ChartPanel
        {
            XAxis = new AxisSpec { Title = costTitle },
            YAxis = new AxisSpec { Title = accuracyTitle },
            Series = series,
        }, title, 800, 500);
    }
}
