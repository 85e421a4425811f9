using Blink.Workbench.IO;
using SkiaSharp;

namespace Blink.Workbench.Imaging;

/// <summary>PNG encode/decode helpers around SkiaSharp.</summary>
public static class PngEncoding
{
    public static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the bitmap as PNG.");
        return data.ToArray();
    }

    public static void Save(SKBitmap bitmap, string path) => IO.AtomicFile.WriteAllBytes(path, Encode(bitmap));

    /// <summary>"data:image/png;base64,..." for embedding in HTML or Plotly layout images.</summary>
    public static string DataUri(SKBitmap bitmap) => "data:image/png;base64," + Convert.ToBase64String(Encode(bitmap));

    /// <summary>"data:image/jpeg;base64,..." — for photos under interactive charts, where PNG would make pages large.</summary>
    public static string JpegDataUri(SKBitmap bitmap, int quality = 88)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the bitmap as JPEG.");
        return "data:image/jpeg;base64," + Convert.ToBase64String(data.ToArray());
    }

    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidDataException("Not a decodable image.");

    public static SKBitmap Load(string path) =>
        SKBitmap.Decode(path) ?? throw new InvalidDataException($"'{path}' is not a decodable image.");
}
