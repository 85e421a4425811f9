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

    /// <summary>PNG bytes of the image (deterministic for a given bitmap).</summary>
    public byte[] EncodePng()
    {
        using var data = Image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void Dispose() => Image.Dispose();
}
