namespace Blink.Workbench.Plots;

/// <summary>
/// One group member of a grouped bar chart: a value per category of the panel's <see cref="AxisSpec.Categories"/>,
/// with optional asymmetric error bars (e.g. a confidence interval).
/// </summary>
public sealed record BarSeries : ChartSeries
{
    public required double[] Values { get; init; }
    public double[]? ErrorMinus { get; init; }
    public double[]? ErrorPlus { get; init; }
}
