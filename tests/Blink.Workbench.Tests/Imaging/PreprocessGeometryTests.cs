using Blink.Workbench.Imaging;

namespace Blink.Workbench.Tests.Imaging;

public class PreprocessGeometryTests
{
    private static readonly ImagePreprocessOptions Pad112 = new() { Size = 112, PatchSize = 14 };
    private static readonly ImagePreprocessOptions Crop112 = Pad112 with { Mode = ImageResizeMode.ResizeShortestAndCenterCrop };

    [Fact]
    public void Pad_to_square_geometry_of_a_landscape_image()
    {
        // 400x300 → 400x400 square with the image pasted at y = 50; 400 → 112 scales by 0.28.
        var g = PreprocessGeometry.For(400, 300, Pad112);
        Assert.Equal(0.28, g.ScaleX, 12);
        Assert.Equal(0.28, g.ScaleY, 12);
        Assert.Equal(0, g.OffsetX, 12);
        Assert.Equal(14, g.OffsetY, 12);
        Assert.Equal(new PixelBox(0, 14, 112, 98), Round(g.VisibleInputBox));
        // (100,100)-(150,150) → input (28, 42)-(42, 56) → exactly token column 2, row 3.
        Assert.Equal(new TokenRegion(3, 2, 4, 3), g.ToTokenRegion(new PixelBox(100, 100, 150, 150)));
        // A box straddling a token edge takes both tokens.
        Assert.Equal(new TokenRegion(3, 2, 5, 4), g.ToTokenRegion(new PixelBox(100, 100, 151, 151)));
    }

    [Fact]
    public void Pad_to_square_geometry_of_a_portrait_image_uses_integer_offset()
    {
        // 301 wide, 400 high: paste x = (400 - 301) // 2 = 49.
        var g = PreprocessGeometry.For(301, 400, Pad112);
        Assert.Equal(49 * 0.28, g.OffsetX, 12);
        Assert.Equal(0, g.OffsetY, 12);
    }

    [Fact]
    public void Center_crop_geometry_drops_the_long_side_margins()
    {
        // 400x300: shortest edge → 112, width int(112*400/300) = 149, crop left (149-112)//2 = 18.
        var g = PreprocessGeometry.For(400, 300, Crop112);
        Assert.Equal(149.0 / 400, g.ScaleX, 12);
        Assert.Equal(112.0 / 300, g.ScaleY, 12);
        Assert.Equal(-18, g.OffsetX, 12);
        // The leftmost 18/0.3725 ≈ 48 original columns are cut: a box there is not visible.
        Assert.Throws<ArgumentException>(() => g.ToTokenRegion(new PixelBox(0, 0, 40, 40)));
    }

    [Theory]
    [InlineData(400, 300, false)]
    [InlineData(300, 400, false)]
    [InlineData(448, 448, false)]
    [InlineData(1000, 333, false)]
    [InlineData(400, 300, true)]
    [InlineData(333, 1000, true)]
    public void Token_region_round_trips_through_original_pixels(int width, int height, bool crop)
    {
        var g = PreprocessGeometry.For(width, height, crop ? Crop112 : Pad112);
        var visible = g.VisibleInputBox;
        var n = g.GridSize;
        var checkedRegions = 0;
        for (var r0 = 0; r0 < n; r0++)
            for (var c0 = 0; c0 < n; c0++)
                for (var size = 1; size <= 3; size++)
                {
                    var region = new TokenRegion(r0, c0, Math.Min(n, r0 + size), Math.Min(n, c0 + size));
                    var tokenBox = new PixelBox(region.Col0 * 14, region.Row0 * 14, region.Col1 * 14, region.Row1 * 14);
                    if (!visible.Contains(tokenBox))
                        continue; // tokens that are partly padding cannot map back whole (documented)
                    var original = g.ToOriginal(region);
                    Assert.Equal(region, g.ToTokenRegion(original));
                    checkedRegions++;
                }
        Assert.True(checkedRegions > 20, $"only {checkedRegions} regions were fully visible");
    }

    [Theory]
    [InlineData(400, 300)]
    [InlineData(448, 448)]
    [InlineData(250, 900)]
    public void Evidence_box_is_inside_the_pixels_of_its_token_region(int width, int height)
    {
        var g = PreprocessGeometry.For(width, height, Pad112);
        var rng = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var x0 = rng.Next(0, width - 2);
            var y0 = rng.Next(0, height - 2);
            var box = new PixelBox(x0, y0, rng.Next(x0 + 1, width + 1), rng.Next(y0 + 1, height + 1));
            var region = g.ToTokenRegion(box);
            var back = g.ToOriginal(region);
            Assert.True(back.Inflate(1e-6).Contains(box), $"{box} → {region} → {back}");
            // and the region is minimal: dropping any edge row/column loses part of the box
            Assert.True(region.Count <= (Math.Ceiling(box.Width * g.ScaleX / 14) + 1) * (Math.Ceiling(box.Height * g.ScaleY / 14) + 1));
        }
    }

    [Fact]
    public void Padding_only_regions_and_outside_boxes_are_rejected()
    {
        var g = PreprocessGeometry.For(400, 300, Pad112);
        // Row 0 of the grid is entirely padding (offset 14 px = one token).
        var e = Assert.Throws<ArgumentException>(() => g.ToOriginal(new TokenRegion(0, 0, 1, 8)));
        Assert.Contains("padding", e.Message);
        Assert.Throws<ArgumentException>(() => g.ToOriginal(new TokenRegion(0, 0, 9, 8)));
        var outside = Assert.Throws<ArgumentException>(() => g.ToTokenRegion(new PixelBox(500, 10, 600, 20)));
        Assert.Contains("[500, 10, 600, 20]", outside.Message);
    }

    private static PixelBox Round(PixelBox b) => new(Math.Round(b.X0, 9), Math.Round(b.Y0, 9), Math.Round(b.X1, 9), Math.Round(b.Y1, 9));
}
