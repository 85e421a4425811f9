using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>What Blink did at a layer.</summary>
public enum BlinkAction
{
    None,
    Expand,
    Drop,
}

/// <summary>One selected layer of a Blink run for one sample.</summary>
/// <param name="Layer">Decoder layer index.</param>
/// <param name="Rho">Concentration ρ = mass of the strongest region / total saliency mass.</param>
/// <param name="Action">Expanded (ρ &gt; τ_exp), dropped (ρ &lt; τ_drop) or nothing.</param>
/// <param name="Region">Row-major index of the strongest region in the p × p split, if known.</param>
public sealed record BlinkLayerStep(int Layer, double Rho, BlinkAction Action = BlinkAction.None, int? Region = null);

/// <summary>A Blink run for one sample: ρ per selected layer, thresholds and the p of the p × p region split.</summary>
public sealed record BlinkTraceData(IReadOnlyList<BlinkLayerStep> Steps, double TauExpand, double TauDrop, int RegionsPerSide, string? Title = null);

/// <summary>The "Blink trace" view: ρ by layer with τ_exp / τ_drop, expand and drop markers, and the expanded region on the image.</summary>
public static class BlinkTraceChart
{
    /// <summary>
    /// ρ per layer (line), τ_exp and τ_drop (dashed lines), ▲ where a region was expanded and ▼ where it was dropped;
    /// with <paramref name="image"/> a second panel shows the picture with the p × p split and the expanded region(s).
    /// </summary>
    public static Figure Create(BlinkTraceData trace, SKBitmap? image = null)
    {
        var steps = trace.Steps.OrderBy(s => s.Layer).ToList();
        var layers = steps.Select(s => (double)s.Layer).ToArray();
        var rho = steps.Select(s => s.Rho).ToArray();
        var series = new List<ChartSeries>
        {
            new XYSeries { Name = "ρ (concentration)", X = layers, Y = rho, Mode = LineMode.LinesAndMarkers, MarkerSize = 6, Color = Palette.At(0) },
        };
        foreach (var (action, name, marker, color) in new[]
                 {
                     (BlinkAction.Expand, "expanded", MarkerShape.TriangleUp, Palette.Expand),
                     (BlinkAction.Drop, "dropped", MarkerShape.TriangleDown, Palette.Drop),
                 })
        {
            var hits = steps.Where(s => s.Action == action).ToList();
            if (hits.Count == 0) continue;
            series.Add(new XYSeries
            {
                Name = name, Mode = LineMode.Markers, Marker = marker, MarkerSize = 13, Color = color,
                X = hits.Select(s => (double)s.Layer).ToArray(), Y = hits.Select(s => s.Rho).ToArray(),
                PointLabels = hits.Select(s => s.Region is { } r ? $"R{r}" : "").ToArray(),
            });
        }
        var curve = new ChartPanel
        {
            Title = "concentration ρ by layer",
            XAxis = new AxisSpec { Title = "decoder layer", IntegerTicks = true },
            YAxis = new AxisSpec { Title = "ρ", Min = 0, Max = Math.Max(1, rho.DefaultIfEmpty(0).Max() * 1.05) },
            Series = series,
            Shapes =
            [
                new HorizontalLine(trace.TauExpand) { Color = Palette.Expand, Label = $"τ_exp = {trace.TauExpand:0.###}" },
                new HorizontalLine(trace.TauDrop) { Color = Palette.Drop, Label = $"τ_drop = {trace.TauDrop:0.###}" },
            ],
        };
        string title = trace.Title ?? "Blink trace";
        if (image is null) return Figure.Single(curve, title, 760, 420);

        var picture = AttentionOverlay.Resize(image, AttentionOverlay.FitSize(image, 336).Width, AttentionOverlay.FitSize(image, 336).Height);
        int p = Math.Max(1, trace.RegionsPerSide);
        var shapes = new List<ChartShape>();
        for (int i = 1; i < p; i++)
        {
            var grid = SKColors.White.WithAlpha(160);
            shapes.Add(new RectangleShape(i - 0.5, -0.5, i - 0.5, p - 0.5) { Color = grid, Dashed = false, LineWidth = 1 });
            shapes.Add(new RectangleShape(-0.5, i - 0.5, p - 0.5, i - 0.5) { Color = grid, Dashed = false, LineWidth = 1 });
        }
        foreach (var box in ExpandedBoxes(trace))
            shapes.Add(box.ToGridShape(p, p));
        var imagePanel = new ChartPanel
        {
            Title = $"expanded region ({p}×{p} split)",
            XAxis = new AxisSpec { Hidden = true },
            YAxis = new AxisSpec { Hidden = true, Reversed = true },
            EqualAspect = true,
            Background = new BackgroundImage(picture, -0.5, -0.5, p - 0.5, p - 0.5),
            Shapes = shapes,
        };
        return new Figure([curve, imagePanel], 2, title, 1100, 440);
    }

    /// <summary>
    /// The picture with the p × p split and each expanded region boxed and labelled "expanded @ layer N"; optionally a
    /// saliency grid blended under it.
    /// </summary>
    public static SKBitmap RenderRegionsOnImage(SKBitmap image, BlinkTraceData trace, float[,]? saliency = null, int size = 448)
    {
        var boxes = ExpandedBoxes(trace).ToList();
        if (saliency is not null)
            return AttentionOverlay.Render(image, saliency, new OverlayOptions { Boxes = boxes, RegionGrid = trace.RegionsPerSide, Size = size, ColorBarTitle = "saliency", Title = trace.Title });
        var (w, h) = AttentionOverlay.FitSize(image, size);
        using var picture = AttentionOverlay.Resize(image, w, h);
        var bitmap = new SKBitmap(new SKImageInfo(w + 16, h + 16, SKColorType.Bgra8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        AttentionOverlay.DrawPicture(canvas, picture, new SKRect(8, 8, 8 + w, 8 + h), boxes, trace.RegionsPerSide);
        canvas.Flush();
        return bitmap;
    }

    private static IEnumerable<ImageBox> ExpandedBoxes(BlinkTraceData trace) =>
        trace.Steps.Where(s => s.Action == BlinkAction.Expand && s.Region is not null)
            .GroupBy(s => s.Region!.Value)
            .Select(g => ImageBox.FromGridRegion(g.Key, trace.RegionsPerSide, "expanded @ layer " + string.Join(", ", g.Select(s => s.Layer))));
}
