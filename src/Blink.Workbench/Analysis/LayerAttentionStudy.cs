using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Plots;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>
/// Pilot study 1 (paper-notes §1): where does the last prompt token look, layer by layer? One prefill per item with a
/// <see cref="LayerAttentionRecorder"/> (last-row attention only), then per layer: the share of attention on visual
/// tokens, the share of visual attention inside the evidence box, the normalised entropy of the visual distribution,
/// ρ with the model's default p, the IoU of the top region with the evidence box, and the top-k Jaccard overlap with
/// the previous layer. Aggregated with mean and t-interval over items, overall and per category.
/// </summary>
public static class LayerAttentionStudy
{
    public static LayerAttentionResult Run(ModelBundle bundle, IReadOnlyList<StudySample> samples, LayerStudyOptions? options = null,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        options ??= new LayerStudyOptions();
        if (samples.Count == 0) throw new ArgumentException("The layer-attention study needs at least one item.", nameof(samples));
        var config = bundle.Model.Config;
        var layers = config.TextConfig.NumHiddenLayers;
        var grid = config.VisionConfig.GridSize;
        options.Validate(layers, grid);
        var blink = BlinkOptions.ForModel(layers, grid);
        var p = options.PatchSize ?? blink.PatchSize;
        var k = options.TopK ?? p * p;
        var headLayers = options.HeadLayers.ToHashSet();

        var metrics = new List<ItemLayerMetrics>();
        var kept = new List<SampleMaps>();
        for (var i = 0; i < samples.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var sample = samples[i];
            var keep = i < options.KeepMapsFor;
            var recorder = new LayerAttentionRecorder(p, keep ? headLayers : null, keep && options.AllQueries ? headLayers : null);
            using var image = sample.LoadImage();
            var geometry = bundle.Preprocessor.GeometryFor(image.Width, image.Height);
            using (NewDisposeScope())
            using (torch.no_grad())
            {
                var pixels = bundle.Preprocessor.ToTensor(image, bundle.Model.Device).unsqueeze(0);
                var ids = bundle.PromptIds(sample.Prompt);
                bundle.Model.forward(new LlavaInput(ids, pixels, Interceptor: recorder, Logits: LogitsMode.Last));
            }
            var layout = recorder.Layout!;
            if (recorder.Layers.Count != layers) throw new InvalidOperationException($"Recorded {recorder.Layers.Count} of {layers} layers.");
            TokenRegion? box = null;
            if (sample.Evidence is { } evidence)
            {
                if (geometry.GridSize != layout.GridWidth) throw new InvalidOperationException($"Preprocessing gives a {geometry.GridSize}-token grid but the model has {layout.GridWidth}.");
                box = geometry.ToTokenRegion(evidence);
            }
            metrics.AddRange(ItemMetrics(sample, recorder, box, layout.GridHeight, layout.GridWidth, k));
            if (keep) kept.Add(Maps(sample, recorder, box, geometry, bundle, image, layout.GridHeight, layout.GridWidth));
            progress?.Report((i + 1, samples.Count));
        }

        var perLayer = Summaries(metrics, layers, options.Level);
        var perCategory = metrics.GroupBy(m => m.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Summaries(g.ToList(), layers, options.Level));
        var uniformRho = (double)p * p / (grid * grid);
        return new LayerAttentionResult(bundle.ModelId, layers, grid, grid, p, k, blink.TauExpand, blink.TauDrop, samples.Count,
            samples.Count(s => s.Evidence is not null), options.Level, perLayer, perCategory, RecommendBand(perLayer, uniformRho, blink),
            metrics, kept);
    }

    /// <summary>Per-layer metrics of one item from the recorder's captures.</summary>
    public static IEnumerable<ItemLayerMetrics> ItemMetrics(StudySample sample, LayerAttentionRecorder recorder, TokenRegion? box, int gridHeight, int gridWidth, int k)
    {
        float[]? previous = null;
        foreach (var (layer, capture) in recorder.Layers.OrderBy(kv => kv.Key))
        {
            var scan = capture.Scan;
            var map = scan.TokenMap;
            yield return new ItemLayerMetrics(
                sample.Id, sample.Category, layer, scan.VisualShare,
                box is { } b ? AttentionMetrics.InBoxShare(map, gridWidth, b) : null,
                box is { } u ? AttentionMetrics.UniformShare(u, gridHeight, gridWidth) : null,
                AttentionMetrics.NormalizedEntropy(map), scan.Rho, scan.ArgmaxRegion,
                box is { } c ? AttentionMetrics.RegionIoU(scan.Salient, c) : null,
                previous is null ? null : AttentionMetrics.TopKJaccard(previous, map, k));
            previous = map;
        }
    }

    /// <summary>Mean and interval per layer of every metric.</summary>
    public static IReadOnlyList<LayerSummary> Summaries(IReadOnlyList<ItemLayerMetrics> metrics, int layers, double level)
    {
        var rows = new List<LayerSummary>();
        for (var l = 0; l < layers; l++)
        {
            var at = metrics.Where(m => m.Layer == l).ToList();
            if (at.Count == 0) continue;
            static double[] Values(IEnumerable<double?> v) => v.Where(x => x.HasValue).Select(x => x!.Value).ToArray();
            rows.Add(new LayerSummary(l, at.Count,
                MetricSummary.Of(at.Select(m => m.VisualShare).ToArray(), level)!,
                MetricSummary.Of(Values(at.Select(m => m.InBoxShare)), level),
                MetricSummary.Of(Values(at.Select(m => m.UniformInBoxShare)), level),
                MetricSummary.Of(Values(at.Select(m => m.InBoxShare - m.UniformInBoxShare)), level),
                MetricSummary.Of(at.Select(m => m.Entropy).ToArray(), level) ?? new MetricSummary(0, double.NaN, double.NaN, double.NaN),
                MetricSummary.Of(at.Select(m => m.Rho).ToArray(), level)!,
                MetricSummary.Of(Values(at.Select(m => m.TopRegionIoU)), level),
                MetricSummary.Of(Values(at.Select(m => m.TopKJaccard)), level)));
        }
        return rows;
    }

    /// <summary>The band rule of <see cref="LayerBand.Rule"/>.</summary>
    public static LayerBand RecommendBand(IReadOnlyList<LayerSummary> perLayer, double uniformRho, BlinkOptions fallback)
    {
        var useBox = perLayer.Any(l => l.InBoxExcess is not null);
        var criterion = useBox ? "in-box excess" : "ρ excess";
        MetricSummary? Score(LayerSummary l) => useBox ? l.InBoxExcess : l.Rho with { Mean = l.Rho.Mean - uniformRho, Lower = l.Rho.Lower - uniformRho, Upper = l.Rho.Upper - uniformRho };
        var lastEligible = perLayer.Max(l => l.Layer) - 1;
        var eligible = perLayer.Where(l => l.Layer <= Math.Max(0, lastEligible) && Score(l) is not null).ToDictionary(l => l.Layer, l => Score(l)!);
        if (eligible.Count == 0)
            return Fallback(fallback, criterion, $"No layer has a {criterion}");
        var peak = eligible.MaxBy(kv => kv.Value.Mean).Key;
        var best = eligible[peak];
        // Noise alone gives some layer a positive mean; only a peak whose interval clears 0 counts as found in the data.
        if (!(best.Lower > 0))
            return Fallback(fallback, criterion, $"The best layer ({peak}, {criterion} {best.Mean:0.###} [{best.Lower:0.###}, {best.Upper:0.###}]) is not clearly above uniform attention");
        var half = best.Mean / 2;
        int first = peak, last = peak;
        while (eligible.TryGetValue(first - 1, out var s) && s.Mean >= half) first--;
        while (eligible.TryGetValue(last + 1, out var s) && s.Mean >= half) last++;
        return new LayerBand(first, last, peak, criterion, true,
            $"Peak {criterion} {best.Mean:0.###} [{best.Lower:0.###}, {best.Upper:0.###}] at layer {peak}; layers {first}–{last} score at least half of it.");
    }

    private static LayerBand Fallback(BlinkOptions fallback, string criterion, string why) =>
        new(fallback.FirstLayer, fallback.LastLayer, (fallback.FirstLayer + fallback.LastLayer) / 2, criterion, false,
            $"{why}; using the paper's band scaled to the model, layers {fallback.FirstLayer}–{fallback.LastLayer}.");

    private static SampleMaps Maps(StudySample sample, LayerAttentionRecorder recorder, TokenRegion? box, PreprocessGeometry geometry,
        ModelBundle bundle, SKBitmap image, int gridHeight, int gridWidth)
    {
        using var view = ModelInputView.Render(image, geometry, bundle.Preprocessor.Options.PadColor);
        double[]? evidenceView = null;
        if (sample.Evidence is { } e)
        {
            var b = geometry.ToInput(e);
            double s = geometry.InputSize;
            evidenceView = [Math.Clamp(b.X0 / s, 0, 1), Math.Clamp(b.Y0 / s, 0, 1), Math.Clamp(b.X1 / s, 0, 1), Math.Clamp(b.Y1 / s, 0, 1)];
        }
        var layers = recorder.Layers.OrderBy(kv => kv.Key).Select(kv => new LayerMap(kv.Key, kv.Value.Scan.TokenMap, kv.Value.Scan.Rho,
            kv.Value.Scan.ArgmaxRegion, kv.Value.HeadMaps, kv.Value.QueryMaps)).ToList();
        return new SampleMaps(sample.Id, sample.Category, sample.Prompt, gridHeight, gridWidth, box, evidenceView, PngEncoding.Encode(view), layers);
    }
}
