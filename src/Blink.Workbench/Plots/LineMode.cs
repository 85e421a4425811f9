namespace Blink.Workbench.Plots;

/// <summary>How an <see cref="XYSeries"/> is drawn.</summary>
public enum LineMode
{
    Lines,
    Markers,
    LinesAndMarkers,
}
