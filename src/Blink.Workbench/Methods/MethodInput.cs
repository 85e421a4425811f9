using Blink.Workbench.Imaging;
using SkiaSharp;

namespace Blink.Workbench.Methods;

/// <param name="Image">The original image (any resolution; the zoom oracle crops from it).</param>
/// <param name="Question">The question as asked (the benchmark's suffix included); the model's template wraps it.</param>
/// <param name="SampleIndex">Seeds per-sample randomness (the random-region ablation) reproducibly.</param>
/// <param name="Evidence">Ground-truth evidence box in original pixels; only ground-truth methods read it.</param>
/// <param name="Choices">Closed answer set: when given, the answer is the most likely choice; otherwise greedy text.</param>
public sealed record MethodInput(SKBitmap Image, string Question, int SampleIndex, PixelBox? Evidence = null, IReadOnlyList<string>? Choices = null);
