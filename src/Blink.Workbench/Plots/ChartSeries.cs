using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// One trace of a chart panel. The chart model is deliberately small: only the trace kinds the workbench draws, so the
/// Plotly chart and the SkiaSharp PNG are built from the same description and cannot drift apart.
/// </summary>
public abstract record ChartSeries
{
    /// <summary>Legend entry. Series with the same name in several panels share one legend entry and one colour.</summary>
    public string Name { get; init; } = "";

    /// <summary>Colour; null = next colour of <see cref="Palette.Categorical"/> (assigned per distinct name).</summary>
    public SKColor? Color { get; init; }

    /// <summary>Whether the series gets a legend entry.</summary>
    public bool ShowInLegend { get; init; } = true;
}
