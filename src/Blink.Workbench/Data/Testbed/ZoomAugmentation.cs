using Blink.Workbench.Imaging;
using SkiaSharp;

namespace Blink.Workbench.Data.Testbed;

/// <summary>Randomness of <see cref="ZoomAugmentation"/>.</summary>
public sealed record ZoomOptions
{
    /// <summary>Extra context around the evidence box, as a fraction of its longer side (drawn uniformly).</summary>
    public double MarginMin { get; init; } = 0.1;
    public double MarginMax { get; init; } = 1.5;

    /// <summary>Width/height ratio of the crop before it is forced to contain the evidence (drawn uniformly).</summary>
    public double AspectMin { get; init; } = 0.75;
    public double AspectMax { get; init; } = 1.33;

    /// <summary>Smallest crop side, in tokens of the original image (a 1-token crop upscaled 8× is mostly blur).</summary>
    public double MinCropTokens { get; init; } = 1.5;

    public void Validate()
    {
        if (!(MarginMin >= 0) || !(MarginMax >= MarginMin))
            throw new ArgumentException($"ZoomOptions.MarginMin/MarginMax = {MarginMin}/{MarginMax}: need 0 <= min <= max.", nameof(MarginMax));
        if (!(AspectMin > 0) || !(AspectMax >= AspectMin))
            throw new ArgumentException($"ZoomOptions.AspectMin/AspectMax = {AspectMin}/{AspectMax}: need 0 < min <= max.", nameof(AspectMax));
        if (!(MinCropTokens > 0))
            throw new ArgumentException($"ZoomOptions.MinCropTokens = {MinCropTokens}: must be positive.", nameof(MinCropTokens));
    }
}

/// <summary>A zoomed view of a sample: the resized crop, where it was cut, and the question with its evidence box in crop pixels.</summary>
public sealed class ZoomedSample : IDisposable
{
    public ZoomedSample(SKBitmap image, PixelBox cropBox, TestbedQuestion question)
    {
        Image = image;
        CropBox = cropBox;
        Question = question;
    }

    /// <summary>The crop, resized so its longer side is the requested output size (aspect kept).</summary>
    public SKBitmap Image { get; }

    /// <summary>The box cut from the original image, in original pixels.</summary>
    public PixelBox CropBox { get; }

    /// <summary>Same id, text, answer and choices; <c>evidence_box</c> mapped into <see cref="Image"/>'s pixels.</summary>
    public TestbedQuestion Question { get; }

    public void Dispose() => Image.Dispose();
}

/// <summary>
/// The training loop's zoom augmentation: a random crop that contains the evidence box (random extra margin and
/// aspect), resized to the model's input resolution; the question and answer stay valid because every object the
/// answer depends on is inside the crop and the questions never refer to the image borders — except count questions
/// about an image <em>quadrant</em>, whose meaning changes under a crop; those are refused (see <see cref="IsZoomInvariant"/>).
/// </summary>
public static class ZoomAugmentation
{
    /// <summary>True when cropping around the evidence keeps the answer (all but quadrant-count questions).</summary>
    public static bool IsZoomInvariant(TestbedScene scene) => scene.Region?.Kind != SceneRegion.Quadrant;

    /// <summary>
    /// Cuts a random crop containing the sample's evidence box and resizes it (PIL bicubic) so that its longer side is
    /// <paramref name="outputSize"/> pixels — pass the model input size (<see cref="TestbedOptions.InputSize"/>).
    /// </summary>
    public static ZoomedSample RandomZoom(TestbedSample sample, TestbedRandom rng, int outputSize, int tokenPixels, ZoomOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(rng);
        if (outputSize <= 0)
            throw new ArgumentException($"outputSize = {outputSize}: must be positive.", nameof(outputSize));
        if (tokenPixels <= 0)
            throw new ArgumentException($"tokenPixels = {tokenPixels}: must be positive.", nameof(tokenPixels));
        if (!IsZoomInvariant(sample.Scene))
            throw new ArgumentException(
                $"Sample {sample.Question.QuestionId} asks about an image quadrant; a crop changes what the quadrant is, so it cannot be zoomed with the same answer.",
                nameof(sample));
        options ??= new ZoomOptions();
        options.Validate();

        var cropBox = RandomCropBox(sample.Question.Evidence, sample.Image.Width, sample.Image.Height, rng, tokenPixels, options);
        var crop = RgbImage.FromBitmap(sample.Image).Crop((int)cropBox.X0, (int)cropBox.Y0, (int)cropBox.Width, (int)cropBox.Height);
        var scale = (double)outputSize / Math.Max(crop.Width, crop.Height);
        var w = Math.Max(1, (int)Math.Round(crop.Width * scale));
        var h = Math.Max(1, (int)Math.Round(crop.Height * scale));
        var resized = PilResampler.Resize(crop, w, h, ImageResampling.Bicubic);

        var e = sample.Question.Evidence;
        var sx = (double)w / crop.Width;
        var sy = (double)h / crop.Height;
        var evidence = new PixelBox((e.X0 - cropBox.X0) * sx, (e.Y0 - cropBox.Y0) * sy, (e.X1 - cropBox.X0) * sx, (e.Y1 - cropBox.Y0) * sy)
            .RoundOutward().ClampTo(w, h);
        return new ZoomedSample(resized.ToBitmap(), cropBox, sample.Question with { EvidenceBox = evidence.ToIntArray() });
    }

    /// <summary>An integer crop box inside the image that contains <paramref name="evidence"/>.</summary>
    public static PixelBox RandomCropBox(PixelBox evidence, int width, int height, TestbedRandom rng, int tokenPixels, ZoomOptions options)
    {
        var image = new PixelBox(0, 0, width, height);
        if (evidence.IsEmpty || !image.Contains(evidence))
            throw new ArgumentException($"Evidence box {evidence} is empty or not inside the {width}x{height} image.", nameof(evidence));
        var e = evidence.RoundOutward();
        var side = Math.Max(Math.Max(e.Width, e.Height) * (1 + rng.NextDouble(options.MarginMin, options.MarginMax)),
            options.MinCropTokens * tokenPixels);
        var aspect = rng.NextDouble(options.AspectMin, options.AspectMax);
        var cw = (int)Math.Ceiling(Math.Clamp(Math.Max(side, e.Width), 1, width));
        var ch = (int)Math.Ceiling(Math.Clamp(Math.Max(side / aspect, e.Height), 1, height));
        cw = Math.Min(Math.Max(cw, (int)e.Width), width);
        ch = Math.Min(Math.Max(ch, (int)e.Height), height);
        var x0 = rng.NextInclusive(Math.Max(0, (int)e.X1 - cw), Math.Min((int)e.X0, width - cw));
        var y0 = rng.NextInclusive(Math.Max(0, (int)e.Y1 - ch), Math.Min((int)e.Y0, height - ch));
        return new PixelBox(x0, y0, x0 + cw, y0 + ch);
    }
}
