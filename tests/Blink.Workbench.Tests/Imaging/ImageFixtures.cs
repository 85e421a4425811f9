using Blink.Workbench.Imaging;
using SkiaSharp;

namespace Blink.Workbench.Tests.Imaging;

/// <summary>Small deterministic images shared by the imaging tests (the same pattern the PIL reference script used).</summary>
internal static class ImageFixtures
{
    /// <summary>pixel(x, y, c) = (37x + 91y + 53c + (7xy mod 29)) mod 256 — irregular enough to expose filter errors.</summary>
    public static RgbImage Pattern(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++)
                    image.Pixels[(y * width + x) * 3 + c] = (byte)((x * 37 + y * 91 + c * 53 + (x * y * 7) % 29) % 256);
        return image;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static SKBitmap Solid(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(color);
        return bitmap;
    }

    public static byte[] EncodePng(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "blink-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
