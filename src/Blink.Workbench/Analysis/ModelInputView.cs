using Blink.Workbench.Imaging;
using SkiaSharp;

namespace Blink.Workbench.Analysis;

/// <summary>
/// The picture as the model sees it (padded to a square or centre-cropped), drawn from the original at display
/// resolution rather than at the model's input size, so the token grid lies exactly on it and small details stay sharp.
/// </summary>
public static class ModelInputView
{
    /// <summary>A <paramref name="size"/>-pixel square view (caller disposes); view pixel = (original · scale + offset) / input size · size.</summary>
    public static SKBitmap Render(SKBitmap original, PreprocessGeometry geometry, (byte R, byte G, byte B) pad, int size = 336)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Bgra8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(new SKColor(pad.R, pad.G, pad.B));
        double k = (double)size / geometry.InputSize;
        var dest = new SKRect((float)(geometry.OffsetX * k), (float)(geometry.OffsetY * k),
            (float)((original.Width * geometry.ScaleX + geometry.OffsetX) * k), (float)((original.Height * geometry.ScaleY + geometry.OffsetY) * k));
        using var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true };
        canvas.DrawBitmap(original, dest, paint);
        canvas.Flush();
        return bitmap;
    }
}
