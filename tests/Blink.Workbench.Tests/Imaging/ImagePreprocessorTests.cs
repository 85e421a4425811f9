using Blink.Workbench.Imaging;
using SkiaSharp;
using static Blink.Workbench.Tests.Imaging.ImageFixtures;

namespace Blink.Workbench.Tests.Imaging;

public class ImagePreprocessorTests
{
    private static readonly ImagePreprocessOptions Tiny = new() { Size = 7, PatchSize = 7 };

    [Fact]
    public void Pad_color_is_truncated_clip_mean()
    {
        Assert.Equal(((byte)122, (byte)116, (byte)104), ImagePreprocessOptions.Llava15.PadColor);
    }

    [Fact]
    public void Pad_to_square_then_bicubic_matches_llava_expand2square_with_pillow()
    {
        // Pillow: expand2square(10x6 pattern, (122,116,104)) → paste at (0, 2) → resize((7,7), BICUBIC)
        const string expected = "8077677d74657a7161786e6677776a7f77677d746433537355758d7892b496b57da1534e3755765b7b907495ab8fa7768c4b6c2d6f9d638e8e8faa748cad2d797e596461a35ba4b7a69487c3814d8985695e65a772a98faa6754ae5384547188857aad73a0919a5e55baa04d784e6c5978957699ba99a5548141563f607975706a7a77677d73647a716177706a7a78697f7666";
        var input = new ImagePreprocessor(Tiny).ToInputImage(Pattern(10, 6));
        Assert.Equal(Hex(expected), input.Pixels);
    }

    [Fact]
    public void Shortest_edge_resize_and_center_crop_matches_clip_processor_with_pillow()
    {
        // Pillow: resize 10x6 → (11, 7) BICUBIC (int(7*10/6) = 11), crop columns [2, 9)
        const string expected = "3f73af5f9ad286bfffacf192db9c1ca50850003c739de551d9594866387b1a607a42637f5c6bbe619bb564795f5f50674d589e3f83d460ae9f93e447cbd85e4468b23992d67fcc9db29d8ad3666ec395296f91568b7a9bb380c69cba6c98733ac3206f9d4aa0297aabb72932e01c58674484206cad4e97b777a9c19cabb63d44802a72a7639bd07db2f793d596c6a70ab40047";
        var options = Tiny with { Mode = ImageResizeMode.ResizeShortestAndCenterCrop };
        var input = new ImagePreprocessor(options).ToInputImage(Pattern(10, 6));
        Assert.Equal(Hex(expected), input.Pixels);
    }

    [Fact]
    public void Normalisation_matches_hand_computation()
    {
        // A 2x1 image, black and white; pad rows take the mean colour. Hand values: (v/255 − mean)/std.
        var image = new RgbImage(2, 1, [0, 0, 0, 255, 255, 255]);
        var chw = new ImagePreprocessor(new ImagePreprocessOptions { Size = 2, PatchSize = 1, Resampling = ImageResampling.Nearest })
            .ToChw(image);
        Assert.Equal(12, chw.Length);
        // Pad colour (122,116,104) sits in row 0 (offset (2-1)/2 = 0 → image row 0, padding row 1).
        // channel 0: [black, white, pad, pad]
        Assert.Equal(-1.79226253f, chw[0], 5);
        Assert.Equal((1f - 0.48145466f) / 0.26862954f, chw[1], 5);
        Assert.Equal(-0.01125449f, chw[2], 5);
        Assert.Equal(-0.01125449f, chw[3], 5);
        // channel 1 pad, channel 2 white and pad
        Assert.Equal(-0.01119598f, chw[4 + 2], 5);
        Assert.Equal(2.14589699f, chw[8 + 1], 5);
        Assert.Equal(-0.00133293f, chw[8 + 3], 5);
    }

    [Fact]
    public void Tensor_has_chw_shape_and_the_same_values()
    {
        using var bitmap = Solid(20, 10, new SKColor(10, 200, 90));
        var pre = new ImagePreprocessor(new ImagePreprocessOptions { Size = 28 });
        using var t = pre.ToTensor(bitmap);
        Assert.Equal([3L, 28, 28], t.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, t.dtype);
        var expected = pre.ToChw(bitmap);
        Assert.Equal(expected, t.data<float>().ToArray());

        using var batch = pre.ToBatchTensor([bitmap, bitmap]);
        Assert.Equal([2L, 3, 28, 28], batch.shape);
        Assert.Equal(expected, batch[1].data<float>().ToArray());
    }

    [Fact]
    public void Decoded_bgra_bitmaps_read_as_rgb()
    {
        using var bitmap = Solid(4, 4, new SKColor(200, 10, 30));
        using var decoded = SKBitmap.Decode(EncodePng(bitmap)); // Skia's platform order (BGRA on Linux)
        var rgb = RgbImage.FromBitmap(decoded);
        Assert.Equal(((byte)200, (byte)10, (byte)30), rgb[3, 2]);
    }

    [Theory]
    [InlineData(100, 14, "Size")]
    [InlineData(0, 14, "Size")]
    [InlineData(112, 0, "PatchSize")]
    public void Impossible_options_name_the_option(int size, int patch, string option)
    {
        var e = Assert.Throws<ArgumentException>(() => new ImagePreprocessor(new ImagePreprocessOptions { Size = size, PatchSize = patch }));
        Assert.Contains(option, e.Message);
        Assert.Contains(size == 0 || patch == 0 ? "positive" : size.ToString(), e.Message);
    }

    [Fact]
    public void Bad_std_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImagePreprocessor(new ImagePreprocessOptions { Std = [0.2f, 0f, 0.2f] }));
        Assert.Contains("Std[1]", e.Message);
    }
}
