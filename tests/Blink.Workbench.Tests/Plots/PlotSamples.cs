using Blink.Workbench.Plots;
using SkiaSharp;

namespace Blink.Workbench.Tests.Plots;

/// <summary>Synthetic inputs shaped like the workbench's real data (deterministic, no model needed).</summary>
internal static class PlotSamples
{
    /// <summary>A 336×336 "photo": sky gradient, a green field, a red ball in the upper-left quadrant.</summary>
    public static SKBitmap Picture(int size = 336)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Bgra8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using var sky = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, size * 0.6f), [new SKColor(90, 150, 230), new SKColor(200, 225, 250)], SKShaderTileMode.Clamp) };
        canvas.DrawRect(0, 0, size, size, sky);
        using var grass = new SKPaint { Color = new SKColor(70, 140, 60) };
        canvas.DrawRect(0, size * 0.6f, size, size * 0.4f, grass);
        using var ball = new SKPaint { Color = new SKColor(220, 40, 40), IsAntialias = true };
        canvas.DrawCircle(size * 0.3f, size * 0.3f, size * 0.09f, ball);
        canvas.Flush();
        return bitmap;
    }

    /// <summary>A grid with a Gaussian bump at (cx, cy) in cell units plus a little structured background.</summary>
    public static float[,] Bump(int n, double cx, double cy, double sigma, double floor = 0.05)
    {
        var g = new float[n, n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                g[r, c] = (float)(floor * (1 + Math.Sin(r * 0.7 + c * 0.3)) / 2 + Math.Exp(-((c - cx) * (c - cx) + (r - cy) * (r - cy)) / (2 * sigma * sigma)));
        return g;
    }

    public static IReadOnlyList<LayerAttention> Layers(int n = 24, int count = 8) =>
        Enumerable.Range(0, count).Select(i =>
        {
            double focus = i / (double)(count - 1);
            // Early layers diffuse, middle layers focused on the ball (upper-left), late layers diffuse again.
            double sigma = 1.5 + 10 * Math.Abs(focus - 0.5) * 2;
            return new LayerAttention(i * 4, Bump(n, n * 0.3 - 0.5, n * 0.3 - 0.5, sigma), $"ρ = {0.2 + 0.5 * (1 - Math.Abs(focus - 0.5) * 2):0.00}");
        }).ToList();

    public static BlinkTraceData Trace() => new(
        Enumerable.Range(0, 32).Select(l =>
        {
            double rho = 0.15 + 0.5 * Math.Exp(-Math.Pow((l - 14) / 5.0, 2));
            var action = l == 12 ? BlinkAction.Expand : l == 22 ? BlinkAction.Drop : BlinkAction.None;
            return new BlinkLayerStep(l, rho, action, action == BlinkAction.None ? null : 0);
        }).ToList(),
        TauExpand: 0.55, TauDrop: 0.3, RegionsPerSide: 2, Title: "Blink trace: \"What colour is the ball?\"");
}
