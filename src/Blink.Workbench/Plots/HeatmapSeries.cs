namespace Blink.Workbench.Plots;

/// <summary>
/// A grid of values (row 0 first, drawn at y = 0) with a colour map. Cells are centred on integer coordinates:
/// cell (r, c) covers x in [c - 0.5, c + 0.5], y in [r - 0.5, r + 0.5].
/// </summary>
public sealed record HeatmapSeries : ChartSeries
{
    public required float[,] Values { get; init; }
    public ColorMap ColorMap { get; init; } = ColorMap.Viridis;

    /// <summary>Colour-scale range; null = the data's min / max.</summary>
    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary>Opacity in [0, 1]; below 1 when blended over a <see cref="ChartPanel.Background"/>.</summary>
    public double Opacity { get; init; } = 1;

    /// <summary>Bilinear smoothing between cell centres (Plotly zsmooth "best") instead of flat cells.</summary>
    public bool Smooth { get; init; }

    /// <summary>Draw a colour bar for this heatmap (at the right of the figure).</summary>
    public bool ShowScale { get; init; } = true;

    /// <summary>Title of the colour bar.</summary>
    public string? ScaleTitle { get; init; }

    /// <summary>The colour-scale range actually used (explicit or data range; a flat grid gets a unit-wide range).</summary>
    public (double Min, double Max) ResolveRange()
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in Values)
        {
            if (float.IsNaN(v)) continue;
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        if (double.IsInfinity(lo)) (lo, hi) = (0, 1);
        lo = Min ?? lo;
        hi = Max ?? hi;
        if (!(hi > lo)) hi = lo + 1;
        return (lo, hi);
    }
}
