using Blink.Workbench.Methods;

namespace Blink.Workbench.Training;

/// <summary>
/// How teacher/student pairs are made (paper-notes §4.3 "Teacher" and "Training region"; all UNCONFIRMED choices).
/// The Blink options give the layers, p, the scale and how the SGS scan reads attention — the same scan Blink runs.
/// </summary>
public sealed record TokenSRExtractionOptions
{
    public required BlinkOptions Blink { get; init; }

    /// <summary>Share of (sample, layer) pairs whose region is uniformly random instead of the SGS argmax.</summary>
    public double RandomRegionRatio { get; init; } = 0.2;

    /// <summary>Seed of the region draws (mixed with the sample index and layer, so shards draw what one run would).</summary>
    public int Seed { get; init; } = 0;

    /// <summary>
    /// False (default): each Blink layer picks its own region (SGS argmax at that layer) and gets its own crop forward
    /// — the closest match to inference, where each layer expands its own r_max. True: one region per sample (from the
    /// first Blink layer's scan) and one crop forward shared by all layers (cheaper by up to the band width).
    /// Either way, layers that pick the same region share one crop forward.
    /// </summary>
    public bool ShareRegionAcrossLayers { get; init; }

    public IReadOnlyList<int> Layers => Enumerable.Range(Blink.FirstLayer, Blink.LastLayer - Blink.FirstLayer + 1).ToArray();

    public void Validate(Models.LlavaConfig config)
    {
        Blink.Validate(config);
        if (RandomRegionRatio is < 0 or > 1 || double.IsNaN(RandomRegionRatio))
            throw new ArgumentException($"RandomRegionRatio must be in [0, 1], got {RandomRegionRatio}.");
    }
}
