using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Imaging;
using SkiaSharp;

namespace Blink.Workbench.Analysis;

/// <summary>One question for the pilot study: the prompt as sent, a way to decode its image, and its evidence box if known.</summary>
/// <param name="LoadImage">Decodes the original image; the caller of the study disposes nothing, the study disposes what this returns.</param>
/// <param name="Evidence">Ground-truth evidence box in original-image pixels (null: in-box share and IoU are skipped for this item).</param>
public sealed record StudySample(string Id, string Category, string Prompt, Func<SKBitmap> LoadImage, PixelBox? Evidence)
{
    public static StudySample FromBenchmarkItem(BenchmarkItem item) =>
        new(item.Id.Text, item.Category, item.Prompt, item.Image.Decode, item.Evidence);
}
