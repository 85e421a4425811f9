using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// Attention (or any saliency grid) over the input picture: the grid is bilinearly upsampled to the picture,
/// mapped through a perceptual colour map and alpha-blended over it; boxes with labels and a colour bar are drawn.
/// </summary>
public static class AttentionOverlay
{
    private const float ColorBarArea = 78, TitleArea = 30, Pad = 8;

    /// <summary>The decorated overlay: title, blended picture, boxes, colour bar.</summary>
    public static SKBitmap Render(SKBitmap image, float[,] grid, OverlayOptions? options = null)
    {
        var o = options ?? new OverlayOptions();
        var (w, h) = FitSize(image, o.Size);
        var (min, max) = Range(grid, o.Min, o.Max);
        using var blended = Blend(image, grid, o.ColorMap, o.Alpha, min, max, w, h, o.Smooth);

        float top = string.IsNullOrEmpty(o.Title) ? Pad : TitleArea;
        float width = Pad + w + (o.ShowColorBar ? ColorBarArea : Pad);
        float height = top + h + Pad;
        var bitmap = new SKBitmap(new SKImageInfo((int)width, (int)height, SKColorType.Bgra8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        if (!string.IsNullOrEmpty(o.Title))
        {
            using var title = ChartFonts.TextPaint(15, new SKColor(0x11, 0x11, 0x11), bold: true, SKTextAlign.Center);
            canvas.DrawText(o.Title, Pad + w / 2f, 21, title);
        }
        var picture = new SKRect(Pad, top, Pad + w, top + h);
        DrawPicture(canvas, blended, picture, o.Boxes, o.RegionGrid);
        if (o.ShowColorBar) DrawColorBar(canvas, o.ColorMap, min, max, new SKRect(picture.Right + 10, picture.Top + 16, picture.Right + 24, picture.Bottom), o.ColorBarTitle);
        canvas.Flush();
        return bitmap;
    }

    /// <summary>
    /// Just the blended picture at <paramref name="width"/> × <paramref name="height"/>: each pixel is
    /// alpha · map((v − min) / (max − min)) + (1 − alpha) · picture, v the bilinearly upsampled grid value.
    /// </summary>
    public static SKBitmap Blend(SKBitmap image, float[,] grid, ColorMap map, double alpha, double min, double max, int width, int height, bool smooth = true)
    {
        using var scaled = Resize(image, width, height);
        var source = scaled.Pixels;
        int rows = grid.GetLength(0), cols = grid.GetLength(1);
        double span = max > min ? max - min : 1;
        alpha = Math.Clamp(alpha, 0, 1);
        var result = new int[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = smooth
                    ? Bilinear.SampleForPixel(grid, x, y, width, height)
                    : grid[Math.Min(rows - 1, y * rows / height), Math.Min(cols - 1, x * cols / width)];
                var heat = map.Map((v - min) / span);
                var pic = source[y * width + x];
                result[y * width + x] = (int)(uint)new SKColor(Mix(heat.Red, pic.Red, alpha), Mix(heat.Green, pic.Green, alpha), Mix(heat.Blue, pic.Blue, alpha));
            }
        return HeatmapRaster.FromArgb(result, width, height);
    }

    /// <summary>One channel of the blend, rounded to nearest.</summary>
    public static byte Mix(byte heat, byte picture, double alpha) => (byte)Math.Round(alpha * heat + (1 - alpha) * picture);

    /// <summary>The picture's size scaled so its longer side is <paramref name="size"/>.</summary>
    public static (int Width, int Height) FitSize(SKBitmap image, int size)
    {
        double s = (double)size / Math.Max(image.Width, image.Height);
        return (Math.Max(1, (int)Math.Round(image.Width * s)), Math.Max(1, (int)Math.Round(image.Height * s)));
    }

    /// <summary>Colour range of a grid: explicit bounds, else data min / max (a flat grid gets a unit-wide range).</summary>
    public static (double Min, double Max) Range(float[,] grid, double? min = null, double? max = null) =>
        new HeatmapSeries { Values = grid, Min = min, Max = max }.ResolveRange();

    /// <summary>An opaque 8-bit BGRA copy of <paramref name="image"/> at the given size (high-quality filtering).</summary>
    public static SKBitmap Resize(SKBitmap image, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Premul);
        var result = new SKBitmap(info);
        using var canvas = new SKCanvas(result);
        // Transparent pictures are shown over white, like a browser would.
        canvas.Clear(SKColors.White);
        using var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true };
        canvas.DrawBitmap(image, new SKRect(0, 0, width, height), paint);
        canvas.Flush();
        return result;
    }

    internal static void DrawPicture(SKCanvas canvas, SKBitmap picture, SKRect dest, IReadOnlyList<ImageBox> boxes, int regionGrid)
    {
        canvas.DrawBitmap(picture, dest);
        if (regionGrid > 1)
        {
            using var line = new SKPaint { Color = SKColors.White.WithAlpha(140), StrokeWidth = 1, Style = SKPaintStyle.Stroke, IsAntialias = true };
            for (int i = 1; i < regionGrid; i++)
            {
                float x = dest.Left + dest.Width * i / regionGrid, y = dest.Top + dest.Height * i / regionGrid;
                canvas.DrawLine(x, dest.Top, x, dest.Bottom, line);
                canvas.DrawLine(dest.Left, y, dest.Right, y, line);
            }
        }
        foreach (var box in boxes)
        {
            var color = box.Color ?? Palette.Box;
            var r = box.ToPixels(dest.Left, dest.Top, dest.Width, dest.Height);
            // A dark halo under the coloured outline keeps the box visible on any picture.
            using var halo = new SKPaint { Color = SKColors.Black.WithAlpha(110), StrokeWidth = 4, Style = SKPaintStyle.Stroke, IsAntialias = true };
            using var stroke = new SKPaint { Color = color, StrokeWidth = 2, Style = SKPaintStyle.Stroke, IsAntialias = true };
            canvas.DrawRect(r, halo);
            canvas.DrawRect(r, stroke);
            if (!string.IsNullOrEmpty(box.Label)) SkiaFigureRenderer.DrawTag(canvas, box.Label, r.Left - 1, r.Top - 1, color, dest);
        }
    }

    internal static void DrawColorBar(SKCanvas canvas, ColorMap map, double min, double max, SKRect bar, string? title)
    {
        int h = Math.Max(2, (int)Math.Round(bar.Height));
        var column = new float[h, 1];
        for (int i = 0; i < h; i++) column[i, 0] = (float)(1 - (i + 0.5) / h);
        using (var raster = HeatmapRaster.Render(column, map, 0, 1, 1, h, smooth: false))
            canvas.DrawBitmap(raster, bar);
        using var outline = new SKPaint { Color = new SKColor(0x44, 0x44, 0x44), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(bar, outline);
        var range = new AxisRange(min, max);
        double step = NiceTicks.Step(range, 5);
        using var text = ChartFonts.TextPaint(11, new SKColor(0x22, 0x22, 0x22));
        foreach (var t in NiceTicks.For(range, 5))
        {
            float y = (float)(bar.Bottom - range.Normalize(t) * bar.Height);
            canvas.DrawLine(bar.Right, y, bar.Right + 4, y, outline);
            canvas.DrawText(NiceTicks.Format(t, step), bar.Right + 6, y + 4, text);
        }
        if (!string.IsNullOrEmpty(title)) canvas.DrawText(title, bar.Left - 4, bar.Top - 6, text);
    }
}
