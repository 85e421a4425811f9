using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>A reference mark drawn on top of a panel's traces (threshold lines, boxes).</summary>
public abstract record ChartShape
{
    public SKColor Color { get; init; } = new(0xD6, 0x27, 0x28);
    public bool Dashed { get; init; } = true;
    public double LineWidth { get; init; } = 2;

    /// <summary>Short text drawn at the shape (e.g. "τ_exp = 0.45"), or null.</summary>
    public string? Label { get; init; }
}

/// <summary>A vertical line across the whole panel at data coordinate <see cref="X"/>.</summary>
public sealed record VerticalLine(double X) : ChartShape;

/// <summary>A horizontal line across the whole panel at data coordinate <see cref="Y"/>.</summary>
public sealed record HorizontalLine(double Y) : ChartShape;

/// <summary>A rectangle outline in data coordinates (e.g. an evidence box over an image).</summary>
public sealed record RectangleShape(double X0, double Y0, double X1, double Y1) : ChartShape;
