namespace Blink.Workbench.Plots;

/// <summary>One plot area with its axes, traces and reference shapes. A <see cref="Figure"/> lays panels out in a grid.</summary>
public sealed record ChartPanel
{
    public string? Title { get; init; }
    public AxisSpec XAxis { get; init; } = new();
    public AxisSpec YAxis { get; init; } = new();
    public IReadOnlyList<ChartSeries> Series { get; init; } = [];
    public IReadOnlyList<ChartShape> Shapes { get; init; } = [];
    public BackgroundImage? Background { get; init; }

    /// <summary>One data unit is as long on x as on y (images, heatmaps of square grids).</summary>
    public bool EqualAspect { get; init; }
}
