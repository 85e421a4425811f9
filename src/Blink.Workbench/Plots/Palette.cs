using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>Colours for series (Okabe–Ito, readable by people with colour-vision deficiencies) and reference lines.</summary>
public static class Palette
{
    public static IReadOnlyList<SKColor> Categorical { get; } =
    [
        new(0x00, 0x72, 0xB2), // blue
        new(0xE6, 0x9F, 0x00), // orange
        new(0x00, 0x9E, 0x73), // bluish green
        new(0xCC, 0x79, 0xA7), // reddish purple
        new(0xD5, 0x5E, 0x00), // vermillion
        new(0x56, 0xB4, 0xE9), // sky blue
        new(0x99, 0x99, 0x99), // grey
        new(0xF0, 0xE4, 0x42), // yellow
        new(0x00, 0x00, 0x00), // black
    ];

    /// <summary>Threshold for expanding (τ_exp): red.</summary>
    public static SKColor Expand { get; } = new(0xD6, 0x27, 0x28);

    /// <summary>Threshold for dropping (τ_drop): blue.</summary>
    public static SKColor Drop { get; } = new(0x1F, 0x77, 0xB4);

    /// <summary>Evidence / region boxes over images: bright so they show on dark colour maps.</summary>
    public static SKColor Box { get; } = new(0xFF, 0x3B, 0x30);

    public static SKColor At(int index) => Categorical[((index % Categorical.Count) + Categorical.Count) % Categorical.Count];

    /// <summary>CSS colour for Plotly ("rgba(r,g,b,a)").</summary>
    public static string Css(SKColor c, double alphaScale = 1)
    {
        double a = Math.Round(c.Alpha / 255.0 * alphaScale, 3);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rgba({c.Red},{c.Green},{c.Blue},{a})");
    }
}
