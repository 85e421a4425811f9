using Blink.Workbench.Models;

namespace Blink.Workbench.Methods;

/// <summary>
/// The methods the workbench compares, built for one model from its Blink defaults: vanilla, Blink-interp, Blink, the
/// paper's ablations (w/o SGS, w/o DTR, w/o Drop, high τ_exp), FastV and the zoom oracle; plus the pilot study's forced
/// expansions of the salient, a random and the ground-truth region.
/// </summary>
public static class MethodCatalog
{
    public static IReadOnlyList<MethodSpec> Standard(BlinkOptions blink, int fastVK = 2, double fastVRatio = 0.5)
    {
        var interp = blink with { Expander = ExpanderKind.Interpolation };
        return
        [
            new("vanilla", "the model as it is", MethodKind.Vanilla),
            new("blink-interp", "Blink with bilinear interpolation, no training", MethodKind.Blink, interp),
            new("blink", "Blink with the trained TokenSR", MethodKind.Blink, blink),
            new("blink-random", "ablation w/o SGS: a random region instead of the most salient", MethodKind.Blink, blink with { Region = RegionSelection.Random }),
            new("blink-fixed", $"ablation w/o DTR: expand/drop every {blink.FixedPeriod} layers instead of by thresholds", MethodKind.Blink, blink with { Schedule = ExpansionSchedule.FixedPeriod }),
            new("blink-nodrop", "ablation w/o Drop: expanded tokens are never dropped", MethodKind.Blink, blink with { AllowDrop = false }),
            new("blink-hightau", "ablation high τ_exp: twice the expansion threshold", MethodKind.Blink, blink with { TauExpand = Math.Min(1, 2 * blink.TauExpand) }),
            new("fastv", $"FastV: prune {fastVRatio:P0} of the image tokens after layer {fastVK - 1}", MethodKind.FastV, null, fastVK, fastVRatio),
            new("zoom-oracle", "the ground-truth evidence crop at full input resolution (reads the answer's box)", MethodKind.ZoomOracle),
        ];
    }

    /// <summary>Pilot study 2: one forced Blink-interp expansion at <paramref name="layer"/> of three kinds of region.</summary>
    public static IReadOnlyList<MethodSpec> ForcedExpansion(BlinkOptions blink, int layer)
    {
        var forced = blink with { Expander = ExpanderKind.Interpolation, Schedule = ExpansionSchedule.ForcedOnce, FirstLayer = layer, LastLayer = layer };
        return
        [
            new("vanilla", "the model as it is", MethodKind.Vanilla),
            new($"forced-salient@{layer}", $"expand the most attended region after layer {layer}", MethodKind.Blink, forced),
            new($"forced-random@{layer}", $"expand a random region after layer {layer}", MethodKind.Blink, forced with { Region = RegionSelection.Random }),
            new($"forced-evidence@{layer}", $"expand the ground-truth evidence region after layer {layer} (reads the answer's box)", MethodKind.Blink, forced with { Region = RegionSelection.Given }),
        ];
    }

    /// <summary>
    /// The headroom decomposition's methods (docs/methods.md): region source (salient / ViCrop relative attention /
    /// evidence box) × representation (one interpolated, TokenSR or crop-teacher insertion after <paramref name="insertLayer"/>;
    /// the crop re-encoded at the input, alone or after the whole image). The evidence crop alone is <c>zoom-oracle</c>
    /// in <see cref="Standard"/>.
    /// </summary>
    public static IReadOnlyList<MethodSpec> Headroom(BlinkOptions blink, ViCropOptions vicrop, int insertLayer)
    {
        var forced = blink with { Schedule = ExpansionSchedule.ForcedOnce, FirstLayer = insertLayer, LastLayer = insertLayer };
        var list = new List<MethodSpec>
        {
            new("vicrop", "ViCrop: the image and the relative-attention crop as two images", MethodKind.InputCrop, Crop: new(RegionSource.RelativeAttention, CropView.ImageAndCrop), ViCrop: vicrop),
            new("vicrop-crop", "ViCrop's crop instead of the image (the zoom oracle without ground truth)", MethodKind.InputCrop, Crop: new(RegionSource.RelativeAttention, CropView.CropOnly), ViCrop: vicrop),
            new("salient-crop", "the crop window of the question's own attention instead of the image", MethodKind.InputCrop, Crop: new(RegionSource.Salient, CropView.CropOnly), ViCrop: vicrop),
            new("image+salient", "the image and the question's own attention crop as two images", MethodKind.InputCrop, Crop: new(RegionSource.Salient, CropView.ImageAndCrop), ViCrop: vicrop),
            new("image+evidence", "the image and the ground-truth evidence crop as two images (reads the answer's box)", MethodKind.InputCrop, Crop: new(RegionSource.Evidence, CropView.ImageAndCrop)),
        };
        foreach (var (expander, word) in new[] { (ExpanderKind.Interpolation, "interp"), (ExpanderKind.TokenSR, "tokensr"), (ExpanderKind.Teacher, "teacher") })
        {
            var o = forced with { Expander = expander };
            list.Add(new($"{word}-salient", $"one {word} insertion of the most attended region after layer {insertLayer}", MethodKind.Blink, o));
            list.Add(new($"{word}-vicrop", $"one {word} insertion of the relative-attention region after layer {insertLayer}", MethodKind.Blink, o with { Region = RegionSelection.RelativeAttention }, ViCrop: vicrop));
            list.Add(new($"{word}-evidence", $"one {word} insertion of the evidence region after layer {insertLayer} (reads the answer's box)", MethodKind.Blink, o with { Region = RegionSelection.Given }));
        }
        return list;
    }

    public static MethodSpec Find(IReadOnlyList<MethodSpec> methods, string name) =>
        methods.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown method '{name}'. Known: {string.Join(", ", methods.Select(m => m.Name))}.");

    /// <summary>Validates every Blink method against the model before any compute.</summary>
    public static void Validate(IEnumerable<MethodSpec> methods, LlavaConfig config)
    {
        foreach (var m in methods)
        {
            try
            {
                m.Blink?.Validate(config);
                if (m.LocatesRegion) (m.ViCrop ?? throw new ArgumentException("it locates a region but has no ViCrop options.")).Validate(config);
                if (m.Kind == MethodKind.InputCrop && m.Crop is null) throw new ArgumentException("an input-crop method needs its crop options.");
                if (m.ImagesPerPrompt > 1)
                {
                    var needed = m.ImagesPerPrompt * config.ImageTokenCount + 2;
                    if (needed > config.TextConfig.MaxPositionEmbeddings)
                        throw new ArgumentException($"{m.ImagesPerPrompt} images need {m.ImagesPerPrompt} × {config.ImageTokenCount} visual tokens plus the text, more than text_config.max_position_embeddings = {config.TextConfig.MaxPositionEmbeddings} holds.");
                }
                if (m.Kind == MethodKind.FastV)
                {
                    if (m.FastVK < 1 || m.FastVK >= config.TextConfig.NumHiddenLayers)
                        throw new ArgumentException($"FastV's K = {m.FastVK} must be between 1 and {config.TextConfig.NumHiddenLayers - 1}.");
                    if (m.FastVRatio is < 0 or >= 1) throw new ArgumentException($"FastV's ratio R = {m.FastVRatio} must be in [0, 1).");
                }
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Method '{m.Name}': {e.Message}", e);
            }
        }
    }
}
