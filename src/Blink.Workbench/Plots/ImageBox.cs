using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// A labelled box on an image in normalised coordinates (0..1 of width and height, origin top-left), so one box
/// fits the picture at any size and any attention-grid resolution.
/// </summary>
public sealed record ImageBox(double Left, double Top, double Right, double Bottom, string? Label = null, SKColor? Color = null)
{
    /// <summary>A box given in pixels of an image of <paramref name="imageWidth"/> × <paramref name="imageHeight"/>.</summary>
    public static ImageBox FromPixels(double left, double top, double right, double bottom, int imageWidth, int imageHeight, string? label = null, SKColor? color = null) =>
        new(left / imageWidth, top / imageHeight, right / imageWidth, bottom / imageHeight, label, color);

    /// <summary>
    /// Region <paramref name="regionIndex"/> of a <paramref name="regionsPerSide"/> × <paramref name="regionsPerSide"/>
    /// split of the image, numbered row-major from the top-left (Blink's p × p regions).
    /// </summary>
    public static ImageBox FromGridRegion(int regionIndex, int regionsPerSide, string? label = null, SKColor? color = null)
    {
        if (regionsPerSide < 1) throw new ArgumentOutOfRangeException(nameof(regionsPerSide));
        if (regionIndex < 0 || regionIndex >= regionsPerSide * regionsPerSide) throw new ArgumentOutOfRangeException(nameof(regionIndex));
        int row = regionIndex / regionsPerSide, col = regionIndex % regionsPerSide;
        double size = 1.0 / regionsPerSide;
        return new(col * size, row * size, (col + 1) * size, (row + 1) * size, label, color);
    }

    /// <summary>The box in pixels of a <paramref name="width"/> × <paramref name="height"/> picture drawn at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public SKRect ToPixels(float x, float y, float width, float height) =>
        new(x + (float)(Left * width), y + (float)(Top * height), x + (float)(Right * width), y + (float)(Bottom * height));

    /// <summary>The box in cell coordinates of a rows × cols heatmap (cell centres on integers).</summary>
    public RectangleShape ToGridShape(int rows, int cols) =>
        new(Left * cols - 0.5, Top * rows - 0.5, Right * cols - 0.5, Bottom * rows - 0.5)
        { Label = Label, Color = Color ?? Palette.Box, Dashed = false, LineWidth = 2 };
}
