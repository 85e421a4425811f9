using Blink.Workbench.Models;
using Blink.Workbench.Text;

namespace Blink.Workbench.Methods;

/// <summary>Where a crop or an inserted region comes from.</summary>
public enum RegionSource
{
    /// <summary>The last prompt token's attention over the image at the probe layer (Blink's SGS map).</summary>
    Salient,
    /// <summary>ViCrop's relative attention: that map divided by the same map for a generic prompt.</summary>
    RelativeAttention,
    /// <summary>The ground-truth evidence box (testbed only; an oracle).</summary>
    Evidence,
}

/// <summary>What the model is shown when a crop is re-encoded at the input.</summary>
public enum CropView
{
    /// <summary>The crop instead of the image (the zoom oracle's form).</summary>
    CropOnly,
    /// <summary>The whole image, then the crop, as two image blocks of one prompt (ViCrop's form).</summary>
    ImageAndCrop,
}

/// <summary>
/// ViCrop (Zhang et al., "MLLMs know where to look", ICLR 2025), training-free attention-guided cropping: at one middle
/// decoder layer the last prompt token's softmax attention over the image grid, mean over heads, is divided token by
/// token by the same map for <see cref="GenericPrompt"/>; square windows of several sizes slide over the ratio map
/// (stride one token), each size keeps its window of largest mass, and the size whose best window stands out most from
/// its four neighbours (mass difference per token) wins, as in the published selection.
/// </summary>
public sealed record ViCropOptions
{
    public const string DefaultGenericPrompt = "Write a general description of the image.";

    /// <summary>The decoder layer whose attention is read (0-based); default the middle layer (<see cref="ForModel"/>).</summary>
    public int Layer { get; init; } = 16;

    /// <summary>The prompt whose attention map divides the question's.</summary>
    public string GenericPrompt { get; init; } = DefaultGenericPrompt;

    /// <summary>Window sides as fractions of the grid side (each rounded to whole tokens, at least one).</summary>
    public IReadOnlyList<double> WindowFractions { get; init; } = [0.25, 0.375, 0.5];

    /// <summary>The middle decoder layer of a model of <paramref name="decoderLayers"/> layers (16 of 32, 3 of 6).</summary>
    public static ViCropOptions ForModel(int decoderLayers) => new() { Layer = decoderLayers / 2 };

    /// <summary>Window sides in tokens on a grid of side <paramref name="gridSize"/>.</summary>
    public int[] WindowSides(int gridSize) => WindowFractions.Select(f => Math.Max(1, (int)Math.Round(f * gridSize))).Distinct().ToArray();

    /// <summary>Checks layer and windows against the model before any compute; every message names the option and value.</summary>
    public void Validate(LlavaConfig config)
    {
        var layers = config.TextConfig.NumHiddenLayers;
        if (Layer < 0 || Layer >= layers)
            throw new ArgumentException($"ViCrop layer {Layer} is outside the model's decoder layers 0..{layers - 1}.");
        if (config.VisionFeatureSelectStrategy != "default")
            throw new ArgumentException("ViCrop needs the visual-token grid, but the model's vision_feature_select_strategy 'full' keeps the class token.");
        if (WindowFractions.Count == 0) throw new ArgumentException("ViCrop needs at least one window size (WindowFractions is empty).");
        var grid = config.VisionConfig.GridSize;
        foreach (var f in WindowFractions)
        {
            if (double.IsNaN(f) || f <= 0)
                throw new ArgumentException($"ViCrop window fraction {f} must be positive.");
            var side = Math.Max(1, (int)Math.Round(f * grid));
            if (f >= 1 || side >= grid)
                throw new ArgumentException($"ViCrop window fraction {f} makes a {side}-token window on the {grid}×{grid} grid: a crop window must be smaller than the image (fraction below {(grid - 0.5) / grid:0.###}).");
        }
    }

    /// <summary>The generic prompt must leave text the model reads: not empty, not only unknown words.</summary>
    public void Validate(ITextTokenizer tokenizer)
    {
        var ids = tokenizer.Encode(GenericPrompt ?? "", addBos: false);
        var known = tokenizer is WordTokenizer word ? ids.Where(i => i != word.UnkId).ToArray() : ids.ToArray();
        if (known.Length == 0)
            throw new ArgumentException($"ViCrop's generic prompt \"{GenericPrompt}\" tokenizes to nothing the model knows ({ids.Count} token(s), none in its vocabulary); give a prompt in the model's vocabulary.");
    }
}

/// <summary>Options of a method that re-encodes a crop at the input: where the crop comes from and how it is shown.</summary>
public sealed record CropOptions(RegionSource Source, CropView View);
