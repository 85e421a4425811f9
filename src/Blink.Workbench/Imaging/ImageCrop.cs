using SkiaSharp;

namespace Blink.Workbench.Imaging;

/// <summary>
/// Cuts a pixel box out of the original (high-resolution) image: the teacher view, the zoom oracle and the testbed's
/// zoom augmentation all feed such crops to the preprocessor as if they were whole images.
/// </summary>
public static class ImageCrop
{
    /// <summary>
    /// Grows <paramref name="box"/> about its centre to at least <paramref name="minSize"/> pixels per side and, when
    /// <paramref name="square"/>, to a square; then shifts it to stay inside the image and clips what still sticks
    /// out (an image smaller than the requested context gives the whole image). Integer pixel edges.
    /// </summary>
    public static PixelBox ContextBox(PixelBox box, int imageWidth, int imageHeight, double minSize = 0, bool square = false)
    {
        if (imageWidth <= 0 || imageHeight <= 0)
            throw new ArgumentException($"Image size must be positive; got {imageWidth}x{imageHeight}.");
        if (double.IsNaN(minSize) || minSize < 0)
            throw new ArgumentException($"minSize must be a non-negative number; got {minSize}.", nameof(minSize));
        RequireInside(box, imageWidth, imageHeight);

        var w = Math.Max(box.Width, minSize);
        var h = Math.Max(box.Height, minSize);
        if (square)
            w = h = Math.Max(w, h);
        w = Math.Min(w, imageWidth);
        h = Math.Min(h, imageHeight);
        var x0 = Math.Clamp(box.CenterX - w / 2, 0, imageWidth - w);
        var y0 = Math.Clamp(box.CenterY - h / 2, 0, imageHeight - h);
        return new PixelBox(x0, y0, x0 + w, y0 + h).RoundOutward().ClampTo(imageWidth, imageHeight);
    }

    /// <summary>Copies the pixels under <paramref name="box"/> (rounded outward, clipped to the image).</summary>
    public static SKBitmap Crop(SKBitmap source, PixelBox box)
    {
        ArgumentNullException.ThrowIfNull(source);
        RequireInside(box, source.Width, source.Height);
        var r = box.RoundOutward().ClampTo(source.Width, source.Height);
        var rect = SKRectI.Create((int)r.X0, (int)r.Y0, (int)r.Width, (int)r.Height);
        var result = new SKBitmap(new SKImageInfo(rect.Width, rect.Height, SKColorType.Rgba8888,
            source.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul));
        using var subset = new SKBitmap();
        if (!source.ExtractSubset(subset, rect) || !subset.PeekPixels().ReadPixels(result.PeekPixels()))
        {
            result.Dispose();
            throw new ArgumentException($"Cannot copy box {box} out of a {source.Width}x{source.Height} {source.ColorType} bitmap.", nameof(box));
        }
        return result;
    }

    /// <summary>
    /// <see cref="ContextBox"/> then <see cref="Crop"/>: the box with context, ready for the preprocessor.
    /// <paramref name="usedBox"/> is the pixel box actually cut (needed to map results back to the original).
    /// </summary>
    public static SKBitmap CropWithContext(SKBitmap source, PixelBox box, double minSize, bool square, out PixelBox usedBox)
    {
        ArgumentNullException.ThrowIfNull(source);
        usedBox = ContextBox(box, source.Width, source.Height, minSize, square);
        return Crop(source, usedBox);
    }

    private static void RequireInside(PixelBox box, int width, int height)
    {
        if (double.IsNaN(box.X0) || double.IsNaN(box.Y0) || double.IsNaN(box.X1) || double.IsNaN(box.Y1) || box.IsEmpty)
            throw new ArgumentException($"Crop box {box} is empty or not a number.", nameof(box));
        if (!box.Intersects(new PixelBox(0, 0, width, height)))
            throw new ArgumentException($"Crop box {box} lies outside the {width}x{height} image.", nameof(box));
    }

    /// <summary>
    /// What the zoom oracle sees: the evidence box with a quarter token of context, square, at least 1.5 tokens wide
    /// (<paramref name="tokenPixels"/> = original-image pixels per visual token).
    /// </summary>
    public static SKBitmap EvidenceView(SKBitmap image, PixelBox evidence, double tokenPixels) =>
        EvidenceView(image, evidence, tokenPixels, out _);

    /// <inheritdoc cref="EvidenceView(SKBitmap, PixelBox, double)"/>
    /// <param name="usedBox">The pixel box cut from <paramref name="image"/>.</param>
    public static SKBitmap EvidenceView(SKBitmap image, PixelBox evidence, double tokenPixels, out PixelBox usedBox) =>
        CropWithContext(image, evidence.Inflate(tokenPixels * 0.25), tokenPixels * 1.5, square: true, out usedBox);
}
