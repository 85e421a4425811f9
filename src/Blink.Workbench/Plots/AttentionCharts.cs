using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// "Where does the model look": attention grids over the picture as small multiples, one tile per layer (or per head),
/// as a PNG (SkiaSharp) and as an interactive Plotly subplot grid.
/// </summary>
public static class AttentionCharts
{
    private const float Gap = 10, TileTitle = 34, Margin = 12, ColorBarArea = 86;

    /// <summary>
    /// One tile per layer: the grid upsampled and blended over the picture, the evidence box drawn. With
    /// <paramref name="sharedScale"/> false (default) each tile is scaled to its own min..max, because attention
    /// mass differs a lot between layers and a shared scale would leave most tiles flat; the colour bar then reads
    /// "relative attention" 0..1.
    /// </summary>
    public static SKBitmap LayerSmallMultiples(SKBitmap image, IReadOnlyList<LayerAttention> layers, ImageBox? evidence = null,
        string? title = null, int columns = 4, int tileSize = 200, bool sharedScale = false, ColorMap? colorMap = null, double alpha = 0.55) =>
        Tiles(image, layers.Select(l => (Title: $"layer {l.Layer}", l.Caption, l.Grid)).ToList(), evidence, title, columns, tileSize, sharedScale, colorMap ?? ColorMap.Viridis, alpha);

    /// <summary>One tile per attention head of one layer (<paramref name="heads"/>[h] is head h's grid).</summary>
    public static SKBitmap HeadSmallMultiples(SKBitmap image, int layer, IReadOnlyList<float[,]> heads, ImageBox? evidence = null,
        int columns = 8, int tileSize = 140, bool sharedScale = false, ColorMap? colorMap = null, double alpha = 0.55) =>
        Tiles(image, heads.Select((g, h) => (Title: $"head {h}", (string?)null, g)).ToList(), evidence,
            $"Layer {layer}: attention of the last prompt token, per head", columns, tileSize, sharedScale, colorMap ?? ColorMap.Viridis, alpha);

    /// <summary>Interactive version of <see cref="LayerSmallMultiples"/>: a Plotly subplot per layer, picture under a translucent heatmap.</summary>
    public static Figure LayerFigure(SKBitmap image, IReadOnlyList<LayerAttention> layers, ImageBox? evidence = null,
        string? title = null, int columns = 4, bool sharedScale = false, ColorMap? colorMap = null, double opacity = 0.55)
    {
        // Not disposed: the panels keep it for the Plotly page and the PNG.
        var thumb = Thumbnail(image, 224);
        var (lo, hi) = SharedRange(layers.Select(l => l.Grid), sharedScale);
        var panels = layers.Select((l, i) => GridPanel(thumb, l.Grid, $"layer {l.Layer}" + (l.Caption is null ? "" : $" · {l.Caption}"),
            evidence, sharedScale, lo, hi, colorMap ?? ColorMap.Viridis, opacity, showScale: i == 0)).ToList();
        return Figure.Grid(panels, columns, title ?? "Attention of the last prompt token over the image, per layer", 240, 240);
    }

    /// <summary>Interactive per-head grid for one layer.</summary>
    public static Figure HeadFigure(SKBitmap image, int layer, IReadOnlyList<float[,]> heads, ImageBox? evidence = null, int columns = 8, bool sharedScale = false)
    {
        var thumb = Thumbnail(image, 160);
        var (lo, hi) = SharedRange(heads, sharedScale);
        var panels = heads.Select((g, h) => GridPanel(thumb, g, $"head {h}", evidence, sharedScale, lo, hi, ColorMap.Viridis, 0.55, showScale: h == 0)).ToList();
        return Figure.Grid(panels, columns, $"Layer {layer}: attention per head", 170, 170);
    }

    private static ChartPanel GridPanel(SKBitmap thumb, float[,] grid, string title, ImageBox? evidence, bool sharedScale, double lo, double hi,
        ColorMap map, double opacity, bool showScale)
    {
        int rows = grid.GetLength(0), cols = grid.GetLength(1);
        var values = sharedScale ? grid : Normalize(grid);
        return new ChartPanel
        {
            Title = title,
            XAxis = new AxisSpec { Hidden = true },
            YAxis = new AxisSpec { Hidden = true, Reversed = true },
            EqualAspect = true,
            Background = new BackgroundImage(thumb, -0.5, -0.5, cols - 0.5, rows - 0.5),
            Series = [new HeatmapSeries
            {
                Name = title, Values = values, ColorMap = map, Opacity = opacity, Smooth = true, ShowScale = showScale,
                Min = sharedScale ? lo : 0, Max = sharedScale ? hi : 1,
                ScaleTitle = sharedScale ? "attention" : "relative",
            }],
            Shapes = evidence is null ? [] : [evidence.ToGridShape(rows, cols)],
        };
    }

    private static SKBitmap Tiles(SKBitmap image, IReadOnlyList<(string Title, string? Caption, float[,] Grid)> tiles, ImageBox? evidence,
        string? title, int columns, int tileSize, bool sharedScale, ColorMap map, double alpha)
    {
        if (tiles.Count == 0) throw new ArgumentException("Nothing to draw: no attention grids.", nameof(tiles));
        int cols = Math.Clamp(columns, 1, tiles.Count), rows = (tiles.Count + cols - 1) / cols;
        var (tw, th) = AttentionOverlay.FitSize(image, tileSize);
        float top = string.IsNullOrEmpty(title) ? Margin : 40;
        float width = Margin + cols * (tw + Gap) - Gap + ColorBarArea;
        float height = top + rows * (th + TileTitle + Gap) - Gap + Margin;
        var (lo, hi) = SharedRange(tiles.Select(t => t.Grid), sharedScale);
        var boxes = evidence is null ? Array.Empty<ImageBox>() : [evidence];

        var bitmap = new SKBitmap(new SKImageInfo((int)Math.Ceiling(width), (int)Math.Ceiling(height), SKColorType.Bgra8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        if (!string.IsNullOrEmpty(title))
        {
            using var titlePaint = ChartFonts.TextPaint(17, new SKColor(0x11, 0x11, 0x11), bold: true, SKTextAlign.Center);
            canvas.DrawText(title, (width - ColorBarArea + Margin) / 2, 27, titlePaint);
        }
        using var name = ChartFonts.TextPaint(13, new SKColor(0x22, 0x22, 0x22), bold: true, SKTextAlign.Center);
        using var caption = ChartFonts.TextPaint(11, new SKColor(0x55, 0x55, 0x55), align: SKTextAlign.Center);
        for (int i = 0; i < tiles.Count; i++)
        {
            var (tileTitle, tileCaption, grid) = tiles[i];
            float x = Margin + (i % cols) * (tw + Gap);
            float y = top + (i / cols) * (th + TileTitle + Gap);
            var (min, max) = sharedScale ? (lo, hi) : AttentionOverlay.Range(grid);
            using var blended = AttentionOverlay.Blend(image, grid, map, alpha, min, max, tw, th);
            canvas.DrawText(tileTitle, x + tw / 2f, y + 14, name);
            if (tileCaption is not null) canvas.DrawText(tileCaption, x + tw / 2f, y + 28, caption);
            AttentionOverlay.DrawPicture(canvas, blended, new SKRect(x, y + TileTitle, x + tw, y + TileTitle + th), boxes, 0);
        }
        var barTop = top + TileTitle + 16;
        AttentionOverlay.DrawColorBar(canvas, map, sharedScale ? lo : 0, sharedScale ? hi : 1,
            new SKRect(width - ColorBarArea + 14, barTop, width - ColorBarArea + 28, Math.Max(barTop + 60, top + TileTitle + th)),
            sharedScale ? "attention" : "relative");
        canvas.Flush();
        return bitmap;
    }

    private static (double Min, double Max) SharedRange(IEnumerable<float[,]> grids, bool shared)
    {
        if (!shared) return (0, 1);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var g in grids)
        {
            var (a, b) = AttentionOverlay.Range(g);
            lo = Math.Min(lo, a);
            hi = Math.Max(hi, b);
        }
        return double.IsInfinity(lo) ? (0, 1) : (lo, hi);
    }

    /// <summary>The grid rescaled to [0, 1] by its own min and max.</summary>
    public static float[,] Normalize(float[,] grid)
    {
        var (min, max) = AttentionOverlay.Range(grid);
        var result = new float[grid.GetLength(0), grid.GetLength(1)];
        for (int r = 0; r < grid.GetLength(0); r++)
            for (int c = 0; c < grid.GetLength(1); c++)
                result[r, c] = (float)((grid[r, c] - min) / (max - min));
        return result;
    }

    /// <summary>A small copy of the picture (longer side <paramref name="size"/>) to keep interactive pages light.</summary>
    private static SKBitmap Thumbnail(SKBitmap image, int size)
    {
        if (Math.Max(image.Width, image.Height) <= size) return AttentionOverlay.Resize(image, image.Width, image.Height);
        var (w, h) = AttentionOverlay.FitSize(image, size);
        return AttentionOverlay.Resize(image, w, h);
    }
}
