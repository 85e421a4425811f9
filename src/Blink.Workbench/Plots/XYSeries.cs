namespace Blink.Workbench.Plots;

/// <summary>
/// Line and/or scatter trace, optionally with a filled confidence band and error bars. NaN values leave gaps.
/// </summary>
public sealed record XYSeries : ChartSeries
{
    public required double[] X { get; init; }
    public required double[] Y { get; init; }
    public LineMode Mode { get; init; } = LineMode.Lines;
    public bool Dashed { get; init; }
    public double LineWidth { get; init; } = 2;
    public MarkerShape Marker { get; init; } = MarkerShape.Circle;
    public double MarkerSize { get; init; } = 7;

    /// <summary>Lower edge of a band filled between <see cref="BandLower"/> and <see cref="BandUpper"/> (same length as X).</summary>
    public double[]? BandLower { get; init; }
    public double[]? BandUpper { get; init; }

    /// <summary>Vertical error bars: distance below / above Y (non-negative; same length as Y).</summary>
    public double[]? ErrorYMinus { get; init; }
    public double[]? ErrorYPlus { get; init; }

    /// <summary>Horizontal error bars: distance left / right of X.</summary>
    public double[]? ErrorXMinus { get; init; }
    public double[]? ErrorXPlus { get; init; }

    /// <summary>Text drawn next to each point (e.g. method names on a scatter), or null.</summary>
    public string[]? PointLabels { get; init; }
}
