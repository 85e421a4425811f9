namespace Blink.Workbench.Analysis;

/// <summary>Knobs of pilot study 1 (attention across layers).</summary>
public sealed record LayerStudyOptions
{
    /// <summary>Region side p for ρ and the top region; null = the model's Blink default (<see cref="Methods.BlinkOptions.DefaultPatchSize"/>).</summary>
    public int? PatchSize { get; init; }

    /// <summary>k of the top-k Jaccard between consecutive layers; null = p² (one region's worth of tokens).</summary>
    public int? TopK { get; init; }

    /// <summary>How many items (the first ones) keep their raw per-layer maps for plotting.</summary>
    public int KeepMapsFor { get; init; } = 4;

    /// <summary>Layers whose per-head maps are kept for those items (the per-head grid figure).</summary>
    public IReadOnlyList<int> HeadLayers { get; init; } = [];

    /// <summary>
    /// Also request full attention matrices at <see cref="HeadLayers"/> for the kept items and keep every text query's
    /// per-head map over the image. Expensive (O(T²) per layer); off by default.
    /// </summary>
    public bool AllQueries { get; init; }

    /// <summary>Confidence level of the per-layer intervals.</summary>
    public double Level { get; init; } = 0.95;

    public void Validate(int layers, int grid)
    {
        if (PatchSize is { } p && (p <= 0 || grid % p != 0)) throw new ArgumentException($"PatchSize p = {p} does not divide the {grid}×{grid} token grid.");
        if (TopK is { } k && (k < 1 || k > grid * grid)) throw new ArgumentException($"TopK = {k} must be between 1 and the {grid * grid} visual tokens.");
        if (KeepMapsFor < 0) throw new ArgumentException($"KeepMapsFor must be ≥ 0, got {KeepMapsFor}.");
        foreach (var l in HeadLayers)
            if (l < 0 || l >= layers) throw new ArgumentException($"Head layer {l} is outside the model's decoder layers 0..{layers - 1}.");
        if (!(Level > 0 && Level < 1)) throw new ArgumentException($"Level must be in (0, 1), got {Level}.");
    }
}
