using Blink.Workbench.Models;

namespace Blink.Workbench.Methods;

/// <summary>How attention heads are combined into one saliency map (paper-notes §2: mean over heads by default).</summary>
public enum HeadAggregation { Mean, Max }

/// <summary>Which attention scores feed the saliency scan.</summary>
public enum SaliencyScores
{
    /// <summary>Softmax probabilities over the whole sequence, restricted to the image grid (default).</summary>
    Softmax,
    /// <summary>Raw scaled logits QKᵀ/√d, shifted so the smallest image score is 0 (ρ needs non-negative mass).</summary>
    Logits,
}

/// <summary>Whose attention is the query of the scan.</summary>
public enum SaliencyQuery
{
    /// <summary>The last prompt token (the paper's t_n).</summary>
    LastToken,
    /// <summary>The mean over all text tokens after the image.</summary>
    TextMean,
}

/// <summary>How inserted tokens and the text after them get RoPE positions.</summary>
public enum PositionPolicy
{
    /// <summary>[s; v; SR; t] is renumbered contiguously; text positions shift by the number of inserted tokens.</summary>
    Contiguous,
    /// <summary>Each super-resolved token takes its parent token's position; text positions never change.</summary>
    InheritParent,
}

/// <summary>When expansions happen and end.</summary>
public enum ExpansionSchedule
{
    /// <summary>Dynamic token resolution: expand when ρ &gt; τ_exp, drop when ρ &lt; τ_drop (the paper).</summary>
    Threshold,
    /// <summary>Ablation "w/o DTR": expand at the first Blink layer, then alternate drop/expand every <see cref="BlinkOptions.FixedPeriod"/> layers.</summary>
    FixedPeriod,
    /// <summary>Pilot study 2: one expansion at the first Blink layer regardless of ρ, kept to the end.</summary>
    ForcedOnce,
}

/// <summary>Which region an expansion zooms into.</summary>
public enum RegionSelection
{
    /// <summary>The most salient region r_max (saliency-guided scanning).</summary>
    Salient,
    /// <summary>Ablation "w/o SGS": a uniformly random region (seeded).</summary>
    Random,
    /// <summary>A region given from outside (pilot study 2's ground-truth evidence region).</summary>
    Given,
}

/// <summary>How the p×p patch of hidden states becomes 2p×2p tokens.</summary>
public enum ExpanderKind
{
    /// <summary>The trained TokenSR module of the layer (Blink).</summary>
    TokenSR,
    /// <summary>Training-free bilinear interpolation (Blink-interp).</summary>
    Interpolation,
}

/// <summary>
/// Every choice of Blink as an option. Defaults follow <c>paper-notes.md</c>: layers 12–18 of a 32-layer model
/// (scaled to other depths), p = 4 on a 24×24 grid (36 regions), ×2 super-resolution, softmax attention of the last
/// prompt token averaged over heads, τ_exp = 3× and τ_drop = 1.5× the uniform share p²/N, contiguous positions, at most
/// one active expansion, an expansion still active after the last Blink layer is kept.
/// </summary>
public sealed record BlinkOptions
{
    /// <summary>First participating decoder layer (0-based).</summary>
    public int FirstLayer { get; init; } = 12;
    /// <summary>Last participating decoder layer (0-based, inclusive).</summary>
    public int LastLayer { get; init; } = 18;
    /// <summary>Region side in tokens; must divide the grid.</summary>
    public int PatchSize { get; init; } = 4;
    /// <summary>Super-resolution factor per side.</summary>
    public int Scale { get; init; } = 2;
    public double TauExpand { get; init; } = 3.0 * 16 / 576;
    public double TauDrop { get; init; } = 1.5 * 16 / 576;
    public HeadAggregation Heads { get; init; } = HeadAggregation.Mean;
    public SaliencyScores Scores { get; init; } = SaliencyScores.Softmax;
    public SaliencyQuery Query { get; init; } = SaliencyQuery.LastToken;
    public PositionPolicy Positions { get; init; } = PositionPolicy.Contiguous;
    public ExpansionSchedule Schedule { get; init; } = ExpansionSchedule.Threshold;
    public RegionSelection Region { get; init; } = RegionSelection.Salient;
    public ExpanderKind Expander { get; init; } = ExpanderKind.TokenSR;
    /// <summary>False is the paper's "w/o Drop" ablation: expansions are never dropped.</summary>
    public bool AllowDrop { get; init; } = true;
    /// <summary>How many expansions may be active at once (each a different region).</summary>
    public int MaxActiveExpansions { get; init; } = 1;
    /// <summary>Layers between schedule changes for <see cref="ExpansionSchedule.FixedPeriod"/>.</summary>
    public int FixedPeriod { get; init; } = 2;
    /// <summary>Seed of the random region choice (combined with the forward count, so runs are reproducible).</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Paper defaults scaled to a model: the layer band 12–18 of 32 keeps its relative depth; p is chosen so the grid has 6×6 regions where possible.</summary>
    public static BlinkOptions ForModel(int decoderLayers, int gridSize)
    {
        var band = DecoderBand.Middle(decoderLayers);
        return new BlinkOptions { FirstLayer = band.FirstLayer, LastLayer = band.LastLayer }.WithPatchSize(DefaultPatchSize(gridSize), gridSize);
    }

    /// <summary>Multiples of the uniform share p²/N that the default thresholds are (paper-notes: open; 3× and 1.5×).</summary>
    public const double DefaultExpandFactor = 3.0, DefaultDropFactor = 1.5;

    /// <summary>
    /// Region side <paramref name="patchSize"/> with the default thresholds for it: τ_exp = 3·p²/N and τ_drop = 1.5·p²/N
    /// of the N = grid² tokens, clamped to 1 (ρ is a share, so a larger τ could never be reached anyway).
    /// </summary>
    public BlinkOptions WithPatchSize(int patchSize, int gridSize)
    {
        var uniform = (double)patchSize * patchSize / ((double)gridSize * gridSize);
        return this with { PatchSize = patchSize, TauExpand = Math.Min(1, DefaultExpandFactor * uniform), TauDrop = Math.Min(1, DefaultDropFactor * uniform) };
    }

    /// <summary>
    /// grid/6 when that divides (4 for LLaVA's 24, i.e. 36 regions), else the divisor nearest to it — but at least 2,
    /// since a 1×1 "region" is a single token (8×8 grid → p = 2, 16 regions).
    /// </summary>
    public static int DefaultPatchSize(int gridSize)
    {
        if (gridSize % 6 == 0 && gridSize >= 12) return gridSize / 6;
        var divisors = Enumerable.Range(2, Math.Max(0, gridSize - 2)).Where(d => gridSize % d == 0).ToArray();
        return divisors.Length == 0 ? 1 : divisors.OrderBy(d => Math.Abs(d - gridSize / 6.0)).ThenByDescending(d => d).First();
    }

    public bool Participates(int layer) => layer >= FirstLayer && layer <= LastLayer;

    /// <summary>Checks the options against a model configuration before any compute.</summary>
    public void Validate(Models.LlavaConfig config)
    {
        var grid = config.VisionFeatureSelectStrategy == "default" ? config.VisionConfig.GridSize : 0;
        Validate(config.TextConfig.NumHiddenLayers, grid, grid);
    }

    /// <summary>Checks the options against a decoder depth and token grid; every message names the option and value.</summary>
    public void Validate(int decoderLayers, int gridHeight, int gridWidth)
    {
        if (gridHeight <= 0 || gridWidth <= 0)
            throw new ArgumentException("Blink needs the visual-token grid, but the model's image grid is unknown (vision_feature_select_strategy 'full' keeps the class token).");
        if (FirstLayer < 0 || LastLayer >= decoderLayers || FirstLayer > LastLayer)
            throw new ArgumentException($"Blink layers {FirstLayer}..{LastLayer} are outside the model's decoder layers 0..{decoderLayers - 1} (or empty).");
        if (LastLayer == decoderLayers - 1)
            throw new ArgumentException($"Blink layer {LastLayer} is the model's last decoder layer: a decision there has no layer after it to act on; use layers 0..{decoderLayers - 2}.");
        if (PatchSize <= 0 || gridHeight % PatchSize != 0 || gridWidth % PatchSize != 0)
            throw new ArgumentException($"PatchSize p = {PatchSize} does not divide the {gridHeight}×{gridWidth} token grid.");
        if (Scale < 1) throw new ArgumentException($"Scale must be ≥ 1, got {Scale}.");
        if (TauExpand is < 0 or > 1 || double.IsNaN(TauExpand)) throw new ArgumentException($"TauExpand must be in [0, 1] (ρ is a share of attention), got {TauExpand}.");
        if (TauDrop is < 0 or > 1 || double.IsNaN(TauDrop)) throw new ArgumentException($"TauDrop must be in [0, 1], got {TauDrop}.");
        if (TauDrop > TauExpand)
            throw new ArgumentException($"TauDrop ({TauDrop}) must not exceed TauExpand ({TauExpand}): a region would be dropped at the concentration that expanded it.");
        var regions = gridHeight / PatchSize * (gridWidth / PatchSize);
        if (MaxActiveExpansions < 1 || MaxActiveExpansions > regions)
            throw new ArgumentException($"MaxActiveExpansions must be between 1 and the {regions} regions, got {MaxActiveExpansions}.");
        if (FixedPeriod < 1) throw new ArgumentException($"FixedPeriod must be ≥ 1, got {FixedPeriod}.");
    }
}
