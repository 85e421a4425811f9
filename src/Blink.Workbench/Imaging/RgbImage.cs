using System.Runtime.InteropServices;
using SkiaSharp;

namespace Blink.Workbench.Imaging;

/// <summary>
/// A plain 8-bit RGB pixel buffer (row-major, interleaved R,G,B). The preprocessor works on this instead of on
/// <see cref="SKBitmap"/> so that resizing is exact, deterministic and independent of Skia's CPU-specific pipelines.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"Image size must be positive; got {width}x{height}.");
        pixels ??= new byte[checked(width * height * 3)];
        if (pixels.Length != width * height * 3)
            throw new ArgumentException($"Pixel buffer has {pixels.Length} bytes; {width}x{height} RGB needs {width * height * 3}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>R,G,B bytes, row-major, no padding between rows.</summary>
    public byte[] Pixels { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get { var i = (y * Width + x) * 3; return (Pixels[i], Pixels[i + 1], Pixels[i + 2]); }
    }

    /// <summary>Reads any Skia bitmap as RGB, dropping alpha without compositing (as PIL's convert("RGB") does).</summary>
    public static RgbImage FromBitmap(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        int w = bitmap.Width, h = bitmap.Height;
        var rgba = new byte[checked(w * h * 4)];
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = bitmap.PeekPixels()
                ?? throw new ArgumentException("The bitmap has no readable pixels (is it disposed or empty?).", nameof(bitmap));
            if (!pixmap.ReadPixels(info, handle.AddrOfPinnedObject(), w * 4, 0, 0))
                throw new ArgumentException($"Cannot convert a bitmap of colour type {bitmap.ColorType} to RGB.", nameof(bitmap));
        }
        finally
        {
            handle.Free();
        }
        var rgb = new byte[w * h * 3];
        for (int s = 0, d = 0; s < rgba.Length; s += 4, d += 3)
        {
            rgb[d] = rgba[s];
            rgb[d + 1] = rgba[s + 1];
            rgb[d + 2] = rgba[s + 2];
        }
        return new RgbImage(w, h, rgb);
    }

    /// <summary>An opaque RGBA Skia bitmap with the same pixels (for saving or drawing on).</summary>
    public SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[Width * Height * 4];
        for (int s = 0, d = 0; s < Pixels.Length; s += 3, d += 4)
        {
            rgba[d] = Pixels[s];
            rgba[d + 1] = Pixels[s + 1];
            rgba[d + 2] = Pixels[s + 2];
            rgba[d + 3] = 255;
        }
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    /// <summary>Copies the integer rectangle [x0, x0+w) × [y0, y0+h); it must lie inside the image.</summary>
    public RgbImage Crop(int x0, int y0, int width, int height)
    {
        if (x0 < 0 || y0 < 0 || width <= 0 || height <= 0 || x0 + width > Width || y0 + height > Height)
            throw new ArgumentException(
                $"Crop rectangle x={x0} y={y0} w={width} h={height} is not inside the {Width}x{Height} image.");
        var result = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            Array.Copy(Pixels, ((y0 + y) * Width + x0) * 3, result.Pixels, y * width * 3, width * 3);
        return result;
    }

    /// <summary>Places this image at (offsetX, offsetY) on a new canvas filled with <paramref name="fill"/>.</summary>
    public RgbImage PlaceOnCanvas(int canvasWidth, int canvasHeight, int offsetX, int offsetY, (byte R, byte G, byte B) fill)
    {
        if (offsetX < 0 || offsetY < 0 || offsetX + Width > canvasWidth || offsetY + Height > canvasHeight)
            throw new ArgumentException($"A {Width}x{Height} image at ({offsetX}, {offsetY}) does not fit a {canvasWidth}x{canvasHeight} canvas.");
        var result = new RgbImage(canvasWidth, canvasHeight);
        var p = result.Pixels;
        for (var i = 0; i < p.Length; i += 3)
        {
            p[i] = fill.R;
            p[i + 1] = fill.G;
            p[i + 2] = fill.B;
        }
        for (var y = 0; y < Height; y++)
            Array.Copy(Pixels, y * Width * 3, p, ((offsetY + y) * canvasWidth + offsetX) * 3, Width * 3);
        return result;
    }
}
