namespace Blink.Workbench.Imaging;

/// <summary>
/// How an image becomes the model's pixel input; defaults are LLaVA-1.5's (336 px, CLIP mean/std, pad to square,
/// bicubic). The tiny testbed model uses the same pipeline at its own size, e.g. <c>new ImagePreprocessOptions { Size = 112 }</c>.
/// </summary>
public sealed record ImagePreprocessOptions
{
    /// <summary>CLIP's per-channel mean (RGB) of pixel values in [0, 1].</summary>
    public static readonly IReadOnlyList<float> ClipMean = [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>CLIP's per-channel standard deviation (RGB).</summary>
    public static readonly IReadOnlyList<float> ClipStd = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Side of the square model input in pixels.</summary>
    public int Size { get; init; } = 336;

    /// <summary>Vision-tower patch size; the token grid is <c>Size / PatchSize</c> on each side.</summary>
    public int PatchSize { get; init; } = 14;

    public IReadOnlyList<float> Mean { get; init; } = ClipMean;
    public IReadOnlyList<float> Std { get; init; } = ClipStd;
    public ImageResizeMode Mode { get; init; } = ImageResizeMode.PadToSquare;
    public ImageResampling Resampling { get; init; } = ImageResampling.Bicubic;

    /// <summary>Tokens per side of the visual-token grid.</summary>
    public int GridSize => Size / PatchSize;

    /// <summary>LLaVA-1.5 at 336 px (24×24 tokens).</summary>
    public static ImagePreprocessOptions Llava15 { get; } = new();

    /// <summary>
    /// The colour expand2square pads with: <c>int(mean * 255)</c> per channel (truncation, not rounding), i.e.
    /// (122, 116, 104) for CLIP's mean.
    /// </summary>
    public (byte R, byte G, byte B) PadColor => ((byte)(int)(Mean[0] * 255), (byte)(int)(Mean[1] * 255), (byte)(int)(Mean[2] * 255));

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option that cannot work.</summary>
    public void Validate()
    {
        if (Size <= 0)
            throw new ArgumentException($"ImagePreprocessOptions.Size must be positive; got {Size}.", nameof(Size));
        if (PatchSize <= 0)
            throw new ArgumentException($"ImagePreprocessOptions.PatchSize must be positive; got {PatchSize}.", nameof(PatchSize));
        if (Size % PatchSize != 0)
            throw new ArgumentException(
                $"ImagePreprocessOptions.Size ({Size}) must be a multiple of PatchSize ({PatchSize}) so the token grid is whole.", nameof(Size));
        if (Mean is null || Mean.Count != 3)
            throw new ArgumentException($"ImagePreprocessOptions.Mean needs 3 values (RGB); got {Mean?.Count ?? 0}.", nameof(Mean));
        if (Std is null || Std.Count != 3)
            throw new ArgumentException($"ImagePreprocessOptions.Std needs 3 values (RGB); got {Std?.Count ?? 0}.", nameof(Std));
        for (var c = 0; c < 3; c++)
        {
            if (!(Std[c] > 0) || float.IsInfinity(Std[c]))
                throw new ArgumentException($"ImagePreprocessOptions.Std[{c}] must be a positive number; got {Std[c]}.", nameof(Std));
            if (!(Mean[c] >= 0 && Mean[c] <= 1))
                throw new ArgumentException($"ImagePreprocessOptions.Mean[{c}] must be in [0, 1]; got {Mean[c]}.", nameof(Mean));
        }
        if (!Enum.IsDefined(Mode))
            throw new ArgumentException($"ImagePreprocessOptions.Mode has an unknown value {(int)Mode}.", nameof(Mode));
        if (!Enum.IsDefined(Resampling))
            throw new ArgumentException($"ImagePreprocessOptions.Resampling has an unknown value {(int)Resampling}.", nameof(Resampling));
    }
}
