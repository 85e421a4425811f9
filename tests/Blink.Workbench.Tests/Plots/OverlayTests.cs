using Blink.Workbench.Plots;
using SkiaSharp;

namespace Blink.Workbench.Tests.Plots;

public class OverlayTests
{
    private static SKBitmap Uniform(int w, int h, SKColor color)
    {
        var b = new SKBitmap(new SKImageInfo(w, h, SKColorType.Bgra8888, SKAlphaType.Premul));
        b.Erase(color);
        return b;
    }

    [Fact]
    public void Flat_cells_blend_the_colour_map_over_the_picture_at_known_pixels()
    {
        var pictureColor = new SKColor(200, 100, 50);
        using var picture = Uniform(64, 64, pictureColor);
        var grid = new float[,] { { 0f, 1f }, { 0.5f, 0.25f } };
        const double alpha = 0.6;
        using var blended = AttentionOverlay.Blend(picture, grid, ColorMap.Inferno, alpha, 0, 1, 64, 64, smooth: false);

        void Check(int x, int y, double value)
        {
            var heat = ColorMap.Inferno.Map(value);
            var expected = new SKColor(AttentionOverlay.Mix(heat.Red, pictureColor.Red, alpha), AttentionOverlay.Mix(heat.Green, pictureColor.Green, alpha), AttentionOverlay.Mix(heat.Blue, pictureColor.Blue, alpha));
            Assert.Equal(expected, blended.GetPixel(x, y));
        }
        Check(10, 10, 0);     // top-left cell
        Check(50, 10, 1);     // top-right
        Check(10, 50, 0.5);   // bottom-left
        Check(50, 50, 0.25);  // bottom-right
        Assert.NotEqual(blended.GetPixel(10, 10), blended.GetPixel(50, 10));
    }

    [Fact]
    public void Smooth_overlay_uses_the_bilinear_value_of_the_pixel()
    {
        using var picture = Uniform(48, 48, SKColors.Black);
        var grid = PlotSamples.Bump(12, 4, 4, 2);
        var (min, max) = AttentionOverlay.Range(grid);
        using var blended = AttentionOverlay.Blend(picture, grid, ColorMap.Viridis, 1.0, min, max, 48, 48);
        foreach (var (x, y) in new[] { (0, 0), (17, 17), (30, 5), (47, 47) })
        {
            double v = Bilinear.SampleForPixel(grid, x, y, 48, 48);
            Assert.Equal(ColorMap.Viridis.Map((v - min) / (max - min)), blended.GetPixel(x, y));
        }
    }

    [Fact]
    public void Decorated_overlay_has_the_picture_the_colour_bar_and_the_box()
    {
        using var picture = PlotSamples.Picture();
        var box = ImageBox.FromGridRegion(0, 2, "evidence");
        using var overlay = AttentionOverlay.Render(picture, PlotSamples.Bump(24, 6.7, 6.7, 2.5), new OverlayOptions { Size = 300, Boxes = [box], Title = "layer 14", RegionGrid = 2 });
        Assert.True(overlay.Width > 300 + 60, "room for the colour bar");
        Assert.True(overlay.Height > 300);
        // The box outline is drawn in the box colour somewhere along its right edge (x = 8 + 150).
        bool found = Enumerable.Range(60, 80).Any(y => Close(overlay.GetPixel(8 + 150, 30 + y), Palette.Box, 40)
                                                       || Close(overlay.GetPixel(8 + 149, 30 + y), Palette.Box, 40));
        Assert.True(found, "evidence box outline not found");
        PlotArtifacts.Save(overlay, "overlay.png");
    }

    internal static bool Close(SKColor a, SKColor b, int tolerance) =>
        Math.Abs(a.Red - b.Red) <= tolerance && Math.Abs(a.Green - b.Green) <= tolerance && Math.Abs(a.Blue - b.Blue) <= tolerance;
}
