namespace Blink.Workbench.Plots;

/// <summary>How <see cref="AttentionOverlay"/> draws a heatmap over a picture.</summary>
public sealed record OverlayOptions
{
    public ColorMap ColorMap { get; init; } = ColorMap.Viridis;

    /// <summary>Weight of the heatmap colour in the blend: pixel = alpha · colour + (1 − alpha) · picture.</summary>
    public double Alpha { get; init; } = 0.55;

    /// <summary>Colour-scale range; null = the grid's min / max.</summary>
    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary>Bilinear upsampling (true) or flat cells (false).</summary>
    public bool Smooth { get; init; } = true;

    /// <summary>Side of the square the picture is drawn into, in pixels (the picture keeps its aspect ratio).</summary>
    public int Size { get; init; } = 448;

    public bool ShowColorBar { get; init; } = true;
    public string? ColorBarTitle { get; init; } = "attention";
    public string? Title { get; init; }
    public IReadOnlyList<ImageBox> Boxes { get; init; } = [];

    /// <summary>Draw faint lines splitting the picture into p × p regions (Blink's regions), or 0 for none.</summary>
    public int RegionGrid { get; init; }
}
