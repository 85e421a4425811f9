using SkiaSharp;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// Seven-segment digits drawn from rectangles (no fonts: a font would make the images depend on what is installed).
/// Segments: a top, b top-right, c bottom-right, d bottom, e bottom-left, f top-left, g middle.
/// </summary>
public static class SevenSegment
{
    private static readonly string[] Lit =
    [
        "abcdef", "bc", "abdeg", "abcdg", "bcfg", "acdfg", "acdefg", "abc", "abcdefg", "abcdfg",
    ];

    /// <summary>The lit segments of a digit, as letters a–g.</summary>
    public static string Segments(int digit) =>
        digit is >= 0 and <= 9 ? Lit[digit] : throw new ArgumentOutOfRangeException(nameof(digit), digit, "Digits are 0–9.");

    /// <summary>The rectangles of a digit's lit segments inside <paramref name="box"/> (segment thickness 0.2 × width).</summary>
    public static IEnumerable<SKRect> SegmentRects(int digit, SKRect box)
    {
        var t = box.Width * 0.22f;
        var midTop = box.Top + (box.Height - t) / 2;
        foreach (var s in Segments(digit))
        {
            yield return s switch
            {
                'a' => new SKRect(box.Left + t, box.Top, box.Right - t, box.Top + t),
                'g' => new SKRect(box.Left + t, midTop, box.Right - t, midTop + t),
                'd' => new SKRect(box.Left + t, box.Bottom - t, box.Right - t, box.Bottom),
                'f' => new SKRect(box.Left, box.Top + t * 0.5f, box.Left + t, midTop + t * 0.5f),
                'b' => new SKRect(box.Right - t, box.Top + t * 0.5f, box.Right, midTop + t * 0.5f),
                'e' => new SKRect(box.Left, midTop + t * 0.5f, box.Left + t, box.Bottom - t * 0.5f),
                'c' => new SKRect(box.Right - t, midTop + t * 0.5f, box.Right, box.Bottom - t * 0.5f),
                _ => throw new InvalidOperationException($"Unknown segment '{s}'."),
            };
        }
    }
}
