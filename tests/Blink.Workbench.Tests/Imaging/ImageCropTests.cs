using Blink.Workbench.Imaging;
using static Blink.Workbench.Tests.Imaging.ImageFixtures;

namespace Blink.Workbench.Tests.Imaging;

public class ImageCropTests
{
    [Fact]
    public void Crop_copies_exactly_the_pixels_under_the_box()
    {
        var image = Pattern(40, 30);
        using var bitmap = image.ToBitmap();
        using var crop = ImageCrop.Crop(bitmap, new PixelBox(10.2, 5, 19.5, 12));
        Assert.Equal(10, crop.Width);  // [10, 20) after rounding outward
        Assert.Equal(7, crop.Height);
        Assert.Equal(image.Crop(10, 5, 10, 7).Pixels, RgbImage.FromBitmap(crop).Pixels);
    }

    [Fact]
    public void Context_box_grows_to_min_size_and_square_about_the_centre()
    {
        var box = ImageCrop.ContextBox(new PixelBox(100, 100, 110, 130), 448, 448, minSize: 56, square: true);
        Assert.Equal(new PixelBox(77, 87, 133, 143), box);
        Assert.True(box.Contains(new PixelBox(100, 100, 110, 130)));
    }

    [Fact]
    public void Context_box_shifts_inside_the_image_at_edges_and_clips_when_the_image_is_small()
    {
        var atCorner = ImageCrop.ContextBox(new PixelBox(0, 0, 8, 8), 448, 448, minSize: 100);
        Assert.Equal(new PixelBox(0, 0, 100, 100), atCorner);
        var small = ImageCrop.ContextBox(new PixelBox(5, 5, 10, 10), 40, 30, minSize: 100, square: true);
        Assert.Equal(new PixelBox(0, 0, 40, 30), small);
    }

    [Fact]
    public void Crop_with_context_reports_the_box_it_used()
    {
        using var bitmap = Pattern(200, 100).ToBitmap();
        using var crop = ImageCrop.CropWithContext(bitmap, new PixelBox(190, 40, 200, 50), 50, true, out var used);
        Assert.Equal(new PixelBox(150, 20, 200, 70), used);
        Assert.Equal(50, crop.Width);
        Assert.Equal(50, crop.Height);
    }

    [Fact]
    public void Boxes_outside_the_image_or_empty_are_rejected_with_the_box()
    {
        using var bitmap = Pattern(50, 50).ToBitmap();
        var e = Assert.Throws<ArgumentException>(() => ImageCrop.Crop(bitmap, new PixelBox(60, 0, 70, 10)));
        Assert.Contains("[60, 0, 70, 10]", e.Message);
        Assert.Contains("50x50", e.Message);
        Assert.Throws<ArgumentException>(() => ImageCrop.Crop(bitmap, new PixelBox(10, 10, 10, 20)));
    }
}
