using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// Typefaces for the PNG rasteriser, loaded from an explicit TTF so the same text renders the same everywhere
/// (SKTypeface.Default depends on the machine: on Debian it resolved to "DejaVu Math TeX Gyre").
/// Override with the environment variable BLINK_FONT (path to a .ttf).
/// </summary>
public static class ChartFonts
{
    private const string DejaVuDir = "/usr/share/fonts/truetype/dejavu/";

    private static readonly Lazy<SKTypeface> LazyRegular = new(() => Load(Environment.GetEnvironmentVariable("BLINK_FONT") ?? DejaVuDir + "DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> LazyBold = new(() => Load(DejaVuDir + "DejaVuSans-Bold.ttf", fallback: LazyRegular.Value));

    public static SKTypeface Regular => LazyRegular.Value;
    public static SKTypeface Bold => LazyBold.Value;

    /// <summary>True when the explicit font file was found (false = machine default, output may differ per machine).</summary>
    public static bool IsDeterministic { get; private set; } = true;

    private static SKTypeface Load(string path, SKTypeface? fallback = null)
    {
        if (File.Exists(path) && SKTypeface.FromFile(path) is { } face) return face;
        if (fallback is not null) return fallback;
        IsDeterministic = false;
        Console.Error.WriteLine($"warning: font '{path}' not found; PNG text falls back to the system default font and may differ between machines " +
                                "(install fonts-dejavu-core or set BLINK_FONT to a .ttf file).");
        return SKTypeface.Default;
    }

    public static SKPaint TextPaint(float size, SKColor color, bool bold = false, SKTextAlign align = SKTextAlign.Left) => new()
    {
        Typeface = bold ? Bold : Regular,
        TextSize = size,
        Color = color,
        IsAntialias = true,
        TextAlign = align,
        SubpixelText = true,
    };
}
