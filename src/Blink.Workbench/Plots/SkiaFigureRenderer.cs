using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// Our own small rasteriser for the chart model (no browser, no Plotly image export): axes, ticks, grid, labels,
/// legend, colour bar, title, and the trace kinds of <see cref="ChartSeries"/>. Output depends only on the figure,
/// SkiaSharp's version and the font file (<see cref="ChartFonts"/>).
/// </summary>
internal static class SkiaFigureRenderer
{
    private static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    private static readonly SKColor AxisInk = new(0x44, 0x44, 0x44);
    private static readonly SKColor GridInk = new(0xE6, 0xE6, 0xE6);

    public static SKBitmap Render(Figure figure, float scale)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale));
        var geometry = new FigureLayout(figure);
        int w = (int)Math.Round(figure.Width * scale), h = (int)Math.Round(figure.Height * scale);
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Bgra8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        canvas.Scale(scale);

        if (!string.IsNullOrEmpty(figure.Title))
        {
            using var title = ChartFonts.TextPaint(FigureLayout.TitleSize, new SKColor(0x11, 0x11, 0x11), bold: true, SKTextAlign.Center);
            canvas.DrawText(figure.Title, figure.Width / 2f, 30, title);
        }

        for (int i = 0; i < figure.Panels.Count; i++)
            DrawPanel(canvas, figure, figure.Panels[i], geometry.PlotRects[i], scale);

        DrawLegend(canvas, figure, geometry);
        if (geometry.HasColorBar) DrawColorBar(canvas, figure, geometry, scale);
        canvas.Flush();
        return bitmap;
    }

    private sealed class Mapper(SKRect rect, AxisRange x, AxisRange y, bool xReversed, bool yReversed)
    {
        public float X(double v) { double t = x.Normalize(v); if (xReversed) t = 1 - t; return (float)(rect.Left + t * rect.Width); }
        public float Y(double v) { double t = y.Normalize(v); if (yReversed) t = 1 - t; return (float)(rect.Bottom - t * rect.Height); }
        public SKRect Rect(double x0, double y0, double x1, double y1)
        {
            float ax = X(x0), bx = X(x1), ay = Y(y0), by = Y(y1);
            return new SKRect(Math.Min(ax, bx), Math.Min(ay, by), Math.Max(ax, bx), Math.Max(ay, by));
        }
    }

    private static void DrawPanel(SKCanvas canvas, Figure figure, ChartPanel panel, SKRect rect, float scale)
    {
        var (xr, yr) = AxisRange.For(panel);
        var map = new Mapper(rect, xr, yr, panel.XAxis.Reversed, panel.YAxis.Reversed);
        var xTicks = Ticks(panel.XAxis, xr, rect.Width / FigureLayout.XTickSpacing);
        var yTicks = Ticks(panel.YAxis, yr, rect.Height / FigureLayout.YTickSpacing);

        using (var grid = new SKPaint { Color = GridInk, StrokeWidth = 1, IsAntialias = false, Style = SKPaintStyle.Stroke })
        {
            foreach (var (v, _) in xTicks) if (!panel.XAxis.Hidden) canvas.DrawLine(Snap(map.X(v)), rect.Top, Snap(map.X(v)), rect.Bottom, grid);
            foreach (var (v, _) in yTicks) if (!panel.YAxis.Hidden) canvas.DrawLine(rect.Left, Snap(map.Y(v)), rect.Right, Snap(map.Y(v)), grid);
        }

        canvas.Save();
        canvas.ClipRect(rect);
        if (panel.Background is { } bg)
        {
            using var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true };
            canvas.DrawBitmap(bg.Image, map.Rect(bg.X0, bg.Y0, bg.X1, bg.Y1), paint);
        }
        var bars = panel.Series.OfType<BarSeries>().ToList();
        foreach (var s in panel.Series)
        {
            var color = figure.ColorOf(s);
            switch (s)
            {
                case HeatmapSeries heat: DrawHeatmap(canvas, heat, panel, map, scale); break;
                case HistogramSeries hist: DrawHistogram(canvas, hist, color, map); break;
                case BarSeries bar: DrawBar(canvas, bar, bars.IndexOf(bar), bars.Count, color, map); break;
                case XYSeries xy: DrawXY(canvas, xy, color, map, rect); break;
            }
        }
        DrawShapes(canvas, panel, map, rect);
        canvas.Restore();

        DrawAxes(canvas, panel, rect, map, xTicks, yTicks);
        if (!string.IsNullOrEmpty(panel.Title))
        {
            using var title = ChartFonts.TextPaint(FigureLayout.PanelTitleSize, Ink, align: SKTextAlign.Center);
            canvas.DrawText(panel.Title, rect.MidX, rect.Top - 7, title);
        }
    }

    private static float Snap(float v) => MathF.Round(v - 0.5f) + 0.5f;

    private static List<(double Value, string Label)> Ticks(AxisSpec axis, AxisRange range, double approx)
    {
        if (axis.Hidden) return [];
        if (axis.Categories is { } cats)
            return cats.Select((c, i) => ((double)i, c)).Where(t => t.Item1 >= range.Min && t.Item1 <= range.Max).ToList();
        int count = Math.Max(2, (int)approx);
        double step = NiceTicks.Step(range, count, axis.IntegerTicks);
        return NiceTicks.For(range, count, axis.IntegerTicks).Select(v => (v, NiceTicks.Format(v, step))).ToList();
    }

    private static void DrawAxes(SKCanvas canvas, ChartPanel panel, SKRect rect, Mapper map,
        List<(double Value, string Label)> xTicks, List<(double Value, string Label)> yTicks)
    {
        using var axis = new SKPaint { Color = AxisInk, StrokeWidth = 1, Style = SKPaintStyle.Stroke, IsAntialias = false };
        using var tickText = ChartFonts.TextPaint(FigureLayout.TickSize, Ink, align: SKTextAlign.Center);
        using var titleText = ChartFonts.TextPaint(FigureLayout.AxisTitleSize, Ink, align: SKTextAlign.Center);
        if (!panel.XAxis.Hidden)
        {
            canvas.DrawLine(rect.Left, Snap(rect.Bottom), rect.Right, Snap(rect.Bottom), axis);
            float slot = xTicks.Count > 1 ? Math.Abs(map.X(xTicks[1].Value) - map.X(xTicks[0].Value)) : rect.Width;
            bool rotate = xTicks.Any(t => tickText.MeasureText(t.Label) > slot - 4);
            foreach (var (v, label) in xTicks)
            {
                float x = Snap(map.X(v));
                canvas.DrawLine(x, rect.Bottom, x, rect.Bottom + 4, axis);
                if (rotate)
                {
                    using var rotated = ChartFonts.TextPaint(FigureLayout.TickSize, Ink, align: SKTextAlign.Right);
                    canvas.Save();
                    canvas.RotateDegrees(-30, x, rect.Bottom + 8);
                    canvas.DrawText(label, x, rect.Bottom + 14, rotated);
                    canvas.Restore();
                }
                else canvas.DrawText(label, x, rect.Bottom + 16, tickText);
            }
            if (!string.IsNullOrEmpty(panel.XAxis.Title)) canvas.DrawText(panel.XAxis.Title, rect.MidX, rect.Bottom + 34, titleText);
        }
        if (!panel.YAxis.Hidden)
        {
            canvas.DrawLine(Snap(rect.Left), rect.Top, Snap(rect.Left), rect.Bottom, axis);
            using var right = ChartFonts.TextPaint(FigureLayout.TickSize, Ink, align: SKTextAlign.Right);
            foreach (var (v, label) in yTicks)
            {
                float y = Snap(map.Y(v));
                canvas.DrawLine(rect.Left - 4, y, rect.Left, y, axis);
                canvas.DrawText(label, rect.Left - 6, y + 4, right);
            }
            if (!string.IsNullOrEmpty(panel.YAxis.Title))
            {
                canvas.Save();
                canvas.RotateDegrees(-90, rect.Left - 46, rect.MidY);
                canvas.DrawText(panel.YAxis.Title, rect.Left - 46, rect.MidY, titleText);
                canvas.Restore();
            }
        }
    }

    private static void DrawHeatmap(SKCanvas canvas, HeatmapSeries heat, ChartPanel panel, Mapper map, float scale)
    {
        int rows = heat.Values.GetLength(0), cols = heat.Values.GetLength(1);
        var dest = map.Rect(-0.5, -0.5, cols - 0.5, rows - 0.5);
        int w = Math.Max(1, (int)Math.Round(dest.Width * scale)), h = Math.Max(1, (int)Math.Round(dest.Height * scale));
        var (min, max) = heat.ResolveRange();
        // Bitmap row 0 is the top: grid row 0 belongs at the top only on a reversed (image-like) y axis.
        using var raster = HeatmapRaster.Render(heat.Values, heat.ColorMap, min, max, w, h, heat.Smooth,
            flipX: panel.XAxis.Reversed, flipY: !panel.YAxis.Reversed);
        using var paint = new SKPaint { Color = SKColors.White.WithAlpha((byte)Math.Round(Math.Clamp(heat.Opacity, 0, 1) * 255)), FilterQuality = SKFilterQuality.None };
        canvas.DrawBitmap(raster, dest, paint);
    }

    private static void DrawHistogram(SKCanvas canvas, HistogramSeries hist, SKColor color, Mapper map)
    {
        var counts = hist.Counts();
        using var fill = new SKPaint { Color = color.WithAlpha((byte)Math.Round(hist.Opacity * 255)), Style = SKPaintStyle.Fill, IsAntialias = false };
        using var edge = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 0.5f, IsAntialias = true };
        for (int b = 0; b < counts.Length; b++)
        {
            if (counts[b] == 0) continue;
            double x0 = hist.BinStart + b * hist.BinSize;
            var r = map.Rect(x0, 0, x0 + hist.BinSize, counts[b]);
            canvas.DrawRect(r, fill);
            canvas.DrawRect(r, edge);
        }
    }

    private static void DrawBar(SKCanvas canvas, BarSeries bar, int index, int groupSize, SKColor color, Mapper map)
    {
        // Plotly "group" mode with bargap 0.2: a category's group fills 0.8 of its slot, members side by side.
        double width = 0.8 / Math.Max(1, groupSize);
        using var fill = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = false };
        using var err = new SKPaint { Color = new SKColor(0x33, 0x33, 0x33), Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
        for (int c = 0; c < bar.Values.Length; c++)
        {
            double v = bar.Values[c];
            if (!double.IsFinite(v)) continue;
            double x0 = c - 0.4 + index * width;
            canvas.DrawRect(map.Rect(x0, 0, x0 + width, v), fill);
            DrawErrorBar(canvas, map, x0 + width / 2, v, At(bar.ErrorMinus, c), At(bar.ErrorPlus, c), vertical: true, err);
        }
    }

    private static double At(double[]? a, int i) => a is not null && i < a.Length && double.IsFinite(a[i]) ? a[i] : 0;

    private static void DrawErrorBar(SKCanvas canvas, Mapper map, double x, double y, double minus, double plus, bool vertical, SKPaint paint)
    {
        if (minus == 0 && plus == 0) return;
        if (vertical)
        {
            float px = map.X(x), lo = map.Y(y - minus), hi = map.Y(y + plus);
            canvas.DrawLine(px, lo, px, hi, paint);
            canvas.DrawLine(px - 4, lo, px + 4, lo, paint);
            canvas.DrawLine(px - 4, hi, px + 4, hi, paint);
        }
        else
        {
            float py = map.Y(y), lo = map.X(x - minus), hi = map.X(x + plus);
            canvas.DrawLine(lo, py, hi, py, paint);
            canvas.DrawLine(lo, py - 4, lo, py + 4, paint);
            canvas.DrawLine(hi, py - 4, hi, py + 4, paint);
        }
    }

    private static void DrawXY(SKCanvas canvas, XYSeries s, SKColor color, Mapper map, SKRect rect)
    {
        int n = Math.Min(s.X.Length, s.Y.Length);
        if (s.BandLower is { } lower && s.BandUpper is { } upper)
        {
            using var band = new SKPaint { Color = color.WithAlpha(51), Style = SKPaintStyle.Fill, IsAntialias = true };
            foreach (var (start, end) in Runs(i => double.IsFinite(s.X[i]) && i < lower.Length && i < upper.Length && double.IsFinite(lower[i]) && double.IsFinite(upper[i]), n))
            {
                using var path = new SKPath();
                path.MoveTo(map.X(s.X[start]), map.Y(upper[start]));
                for (int i = start + 1; i < end; i++) path.LineTo(map.X(s.X[i]), map.Y(upper[i]));
                for (int i = end - 1; i >= start; i--) path.LineTo(map.X(s.X[i]), map.Y(lower[i]));
                path.Close();
                canvas.DrawPath(path, band);
            }
        }
        if (s.Mode != LineMode.Markers)
        {
            using var stroke = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = (float)s.LineWidth, IsAntialias = true, StrokeJoin = SKStrokeJoin.Round, StrokeCap = SKStrokeCap.Round };
            using var dash = s.Dashed ? SKPathEffect.CreateDash([6f, 4f], 0) : null;
            stroke.PathEffect = dash;
            foreach (var (start, end) in Runs(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]), n))
            {
                using var path = new SKPath();
                path.MoveTo(map.X(s.X[start]), map.Y(s.Y[start]));
                for (int i = start + 1; i < end; i++) path.LineTo(map.X(s.X[i]), map.Y(s.Y[i]));
                canvas.DrawPath(path, stroke);
            }
        }
        using var err = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i])) continue;
            DrawErrorBar(canvas, map, s.X[i], s.Y[i], At(s.ErrorYMinus, i), At(s.ErrorYPlus, i), vertical: true, err);
            DrawErrorBar(canvas, map, s.X[i], s.Y[i], At(s.ErrorXMinus, i), At(s.ErrorXPlus, i), vertical: false, err);
        }
        if (s.Mode != LineMode.Lines)
            for (int i = 0; i < n; i++)
                if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
                    DrawMarker(canvas, s.Marker, map.X(s.X[i]), map.Y(s.Y[i]), (float)s.MarkerSize, color);
        if (s.PointLabels is { } labels)
        {
            using var text = ChartFonts.TextPaint(11, color, align: SKTextAlign.Center);
            for (int i = 0; i < Math.Min(n, labels.Length); i++)
                if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
                {
                    // Keep labels of points near the edges inside the plot instead of clipping them.
                    float half = text.MeasureText(labels[i]) / 2 + 2;
                    float lx = Math.Clamp(map.X(s.X[i]), rect.Left + half, Math.Max(rect.Left + half, rect.Right - half));
                    canvas.DrawText(labels[i], lx, map.Y(s.Y[i]) - (float)s.MarkerSize / 2 - 5, text);
                }
        }
    }

    /// <summary>Maximal runs [start, end) of consecutive indices where <paramref name="ok"/> holds (gaps at NaN).</summary>
    private static IEnumerable<(int Start, int End)> Runs(Func<int, bool> ok, int n)
    {
        int i = 0;
        while (i < n)
        {
            while (i < n && !ok(i)) i++;
            int start = i;
            while (i < n && ok(i)) i++;
            if (i > start) yield return (start, i);
        }
    }

    internal static void DrawMarker(SKCanvas canvas, MarkerShape shape, float x, float y, float size, SKColor color)
    {
        using var fill = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };
        using var edge = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
        float r = size / 2;
        using var path = new SKPath();
        switch (shape)
        {
            case MarkerShape.Square: path.AddRect(new SKRect(x - r, y - r, x + r, y + r)); break;
            case MarkerShape.Diamond:
                path.MoveTo(x, y - r * 1.3f); path.LineTo(x + r * 1.3f, y); path.LineTo(x, y + r * 1.3f); path.LineTo(x - r * 1.3f, y); path.Close(); break;
            case MarkerShape.TriangleUp:
                path.MoveTo(x, y - r * 1.3f); path.LineTo(x + r * 1.2f, y + r * 0.8f); path.LineTo(x - r * 1.2f, y + r * 0.8f); path.Close(); break;
            case MarkerShape.TriangleDown:
                path.MoveTo(x, y + r * 1.3f); path.LineTo(x + r * 1.2f, y - r * 0.8f); path.LineTo(x - r * 1.2f, y - r * 0.8f); path.Close(); break;
            default: path.AddCircle(x, y, r); break;
        }
        canvas.DrawPath(path, fill);
        canvas.DrawPath(path, edge);
    }

    private static void DrawShapes(SKCanvas canvas, ChartPanel panel, Mapper map, SKRect rect)
    {
        int verticalLabels = 0;
        foreach (var shape in panel.Shapes)
        {
            using var stroke = new SKPaint { Color = shape.Color, Style = SKPaintStyle.Stroke, StrokeWidth = (float)shape.LineWidth, IsAntialias = true };
            using var dash = shape.Dashed ? SKPathEffect.CreateDash([6f, 4f], 0) : null;
            stroke.PathEffect = dash;
            using var label = ChartFonts.TextPaint(11, shape.Color);
            switch (shape)
            {
                case VerticalLine v:
                    float x = map.X(v.X);
                    canvas.DrawLine(x, rect.Top, x, rect.Bottom, stroke);
                    if (v.Label is not null) canvas.DrawText(v.Label, x + 3, rect.Top + 13 + 15 * verticalLabels++, label);
                    break;
                case HorizontalLine h:
                    float y = map.Y(h.Y);
                    canvas.DrawLine(rect.Left, y, rect.Right, y, stroke);
                    if (h.Label is not null)
                    {
                        label.TextAlign = SKTextAlign.Right;
                        canvas.DrawText(h.Label, rect.Right - 3, y - 4, label);
                    }
                    break;
                case RectangleShape r:
                    var box = map.Rect(r.X0, r.Y0, r.X1, r.Y1);
                    canvas.DrawRect(box, stroke);
                    if (r.Label is not null) DrawTag(canvas, r.Label, box.Left, box.Top, shape.Color, rect);
                    break;
            }
        }
    }

    /// <summary>A filled label (white text on the box colour) sitting on top of a box's top-left corner, kept inside <paramref name="bounds"/>.</summary>
    internal static void DrawTag(SKCanvas canvas, string text, float left, float top, SKColor color, SKRect bounds, float size = 11)
    {
        using var paint = ChartFonts.TextPaint(size, SKColors.White);
        float w = paint.MeasureText(text) + 6, h = size + 5;
        float x = Math.Clamp(left, bounds.Left, Math.Max(bounds.Left, bounds.Right - w));
        float y = top - h < bounds.Top ? top : top - h;
        using var bg = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };
        canvas.DrawRect(new SKRect(x, y, x + w, y + h), bg);
        canvas.DrawText(text, x + 3, y + size, paint);
    }

    private static void DrawLegend(SKCanvas canvas, Figure figure, FigureLayout geometry)
    {
        var entries = figure.LegendEntries();
        if (entries.Count == 0) return;
        float x = geometry.Paper.Right + 8, y = geometry.MarginTop + 4;
        using var text = ChartFonts.TextPaint(FigureLayout.LegendSize, Ink);
        foreach (var s in entries)
        {
            var color = figure.ColorOf(s);
            float cy = y + 8;
            switch (s)
            {
                case XYSeries xy:
                    if (xy.BandLower is not null)
                    {
                        using var band = new SKPaint { Color = color.WithAlpha(51), Style = SKPaintStyle.Fill };
                        canvas.DrawRect(new SKRect(x, cy - 6, x + 26, cy + 6), band);
                    }
                    if (xy.Mode != LineMode.Markers)
                    {
                        using var line = new SKPaint { Color = color, StrokeWidth = (float)xy.LineWidth, Style = SKPaintStyle.Stroke, IsAntialias = true };
                        using var dash = xy.Dashed ? SKPathEffect.CreateDash([6f, 4f], 0) : null;
                        line.PathEffect = dash;
                        canvas.DrawLine(x, cy, x + 26, cy, line);
                    }
                    if (xy.Mode != LineMode.Lines) DrawMarker(canvas, xy.Marker, x + 13, cy, (float)Math.Min(xy.MarkerSize, 9), color);
                    break;
                default:
                    byte alpha = s is HistogramSeries hs ? (byte)Math.Round(hs.Opacity * 255) : (byte)255;
                    using (var fill = new SKPaint { Color = color.WithAlpha(alpha), Style = SKPaintStyle.Fill })
                        canvas.DrawRect(new SKRect(x + 6, cy - 6, x + 20, cy + 6), fill);
                    break;
            }
            canvas.DrawText(s.Name, x + 34, cy + 4, text);
            y += 20;
        }
    }

    private static void DrawColorBar(SKCanvas canvas, Figure figure, FigureLayout geometry, float scale)
    {
        var heat = figure.Panels.SelectMany(p => p.Series).OfType<HeatmapSeries>().First(hs => hs.ShowScale);
        var (min, max) = heat.ResolveRange();
        float left = geometry.Paper.Right + geometry.LegendWidth + 10;
        float top = geometry.PlotRects.Min(r => r.Top) + (string.IsNullOrEmpty(heat.ScaleTitle) ? 0 : 18);
        float bottom = geometry.PlotRects.Max(r => r.Bottom);
        var bar = new SKRect(left, top, left + 14, bottom);
        int h = Math.Max(2, (int)Math.Round(bar.Height * scale));
        // A column of the colour map, max at the top.
        var column = new float[h, 1];
        for (int i = 0; i < h; i++) column[i, 0] = (float)(max - (i + 0.5) / h * (max - min));
        using (var raster = HeatmapRaster.Render(column, heat.ColorMap, min, max, 1, h, smooth: false))
            canvas.DrawBitmap(raster, bar);
        using var outline = new SKPaint { Color = AxisInk, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(bar, outline);
        var range = new AxisRange(min, max);
        double step = NiceTicks.Step(range, 5);
        using var text = ChartFonts.TextPaint(FigureLayout.TickSize, Ink);
        foreach (var t in NiceTicks.For(range, 5))
        {
            float y = (float)(bar.Bottom - range.Normalize(t) * bar.Height);
            canvas.DrawLine(bar.Right, y, bar.Right + 4, y, outline);
            canvas.DrawText(NiceTicks.Format(t, step), bar.Right + 6, y + 4, text);
        }
        if (!string.IsNullOrEmpty(heat.ScaleTitle))
            canvas.DrawText(heat.ScaleTitle, left, top - 6, text);
    }
}
