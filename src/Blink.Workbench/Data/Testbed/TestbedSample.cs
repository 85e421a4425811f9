using SkiaSharp;

namespace Blink.Workbench.Data.Testbed;

/// <summary>A generated sample: the rendered high-resolution image, its question and its scene ground truth.</summary>
public sealed class TestbedSample : IDisposable
{
    public TestbedSample(TestbedQuestion question, TestbedScene scene, SKBitmap image)
    {
        Question = question;
        Scene = scene;
        Image = image;
    }

    public TestbedQuestion Question { get; }
    public TestbedScene Scene { get; }

    /// <summary>The original image (<see cref="TestbedOptions.ImageSize"/> square, RGBA opaque). Owned by the sample.</summary>
    public SKBitmap Image { get; }

    /// <summary>
    /// PNG bytes of the image (deterministic for a given bitmap). Paeth filtering with zlib level 3 encodes about 5×
    /// faster than Skia's default (all filters, level 6) for files only ~30% larger (≈40 KiB at 448 px), which
    /// matters when writing tens of thousands of testbed images.
    /// </summary>
    public byte[] EncodePng()
    {
        using var pixmap = Image.PeekPixels();
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Paeth, 3))
            ?? throw new InvalidOperationException($"Skia could not encode {Question.Image} as PNG.");
        return data.ToArray();
    }

    public void Dispose() => Image.Dispose();
}
