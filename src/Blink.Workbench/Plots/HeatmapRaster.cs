using System.Runtime.InteropServices;
using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>Turns a value grid into an opaque colour bitmap through a <see cref="ColorMap"/>.</summary>
public static class HeatmapRaster
{
    /// <summary>
    /// A <paramref name="width"/> × <paramref name="height"/> bitmap of <paramref name="grid"/> (row 0 at the top),
    /// values mapped linearly from [<paramref name="min"/>, <paramref name="max"/>] to the colour map. Smooth =
    /// bilinear (<see cref="Bilinear"/>); otherwise every pixel takes its cell's colour.
    /// </summary>
    public static SKBitmap Render(float[,] grid, ColorMap map, double min, double max, int width, int height, bool smooth,
        bool flipX = false, bool flipY = false)
    {
        int rows = grid.GetLength(0), cols = grid.GetLength(1);
        var pixels = new int[width * height];
        double span = max > min ? max - min : 1;
        for (int y = 0; y < height; y++)
        {
            int sy = flipY ? height - 1 - y : y;
            for (int x = 0; x < width; x++)
            {
                int sx = flipX ? width - 1 - x : x;
                double v = smooth
                    ? Bilinear.SampleForPixel(grid, sx, sy, width, height)
                    : grid[Math.Min(rows - 1, sy * rows / height), Math.Min(cols - 1, sx * cols / width)];
                pixels[y * width + x] = (int)(uint)map.Map((v - min) / span);
            }
        }
        return FromArgb(pixels, width, height);
    }

    /// <summary>Bitmap from 0xAARRGGBB values (SKColor's layout), row-major.</summary>
    public static SKBitmap FromArgb(int[] argb, int width, int height)
    {
        // Bgra8888 in memory is 0xAARRGGBB as a little-endian 32-bit integer: SKColor values can be copied as they are.
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Premul));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Big-endian machines are not supported by the heatmap rasteriser.");
        Marshal.Copy(argb, 0, bitmap.GetPixels(), argb.Length);
        bitmap.NotifyPixelsChanged();
        return bitmap;
    }
}
