using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// Saliency-guided scanning: turns a layer's observed attention rows into a <see cref="SaliencyMap"/>. Only the image
/// grid counts (tokens Blink inserted are excluded, so ρ always refers to the original grid).
/// </summary>
public static class SaliencyScanner
{
    /// <summary>The attention rows the scan needs at a layer (last prompt token, or every text token).</summary>
    public static AttentionRequest Request(DecoderState state, SaliencyQuery query)
    {
        if (query == SaliencyQuery.LastToken || state.Layout is null) return AttentionRequest.LastRow(state);
        var layout = state.Layout;
        var rows = Enumerable.Range(layout.TextStart, Math.Max(1, layout.TextLength)).Where(r => r < state.Length).ToArray();
        return new AttentionRequest(rows.Length > 0 ? rows : [state.Length - 1]);
    }

    /// <param name="visualShare">Also compute <see cref="SaliencyMap.VisualShare"/> (the pilot study reads it; Blink's decisions do not, and skip it).</param>
    public static SaliencyMap Scan(int layer, AttentionObservation observation, SequenceLayout layout, HeadAggregation heads, SaliencyScores scores, int patchSize,
        bool visualShare = true)
    {
        if (!layout.ImageIsGrid) throw new InvalidOperationException("Saliency scanning needs the full image grid, but image tokens were pruned.");
        var source = scores == SaliencyScores.Softmax ? observation.RowProbabilities : observation.RowScores;
        if (source is null) throw new InvalidOperationException($"Layer {layer} reported no attention rows; the scan must request them.");
        if (source.shape[0] != 1) throw new ArgumentException($"Blink runs one sample at a time; got a batch of {source.shape[0]}.");
        using var scope = NewDisposeScope();
        var rows = source[0];                                                   // [H, R, Tk]
        var perRow = heads == HeadAggregation.Mean ? rows.mean([0L]) : rows.amax([0L]); // [R, Tk]
        var image = perRow.narrow(-1, layout.ImageStart, layout.ImageLength);     // [R, N]
        var map = image.mean([0L]);                                             // [N]
        var share = double.NaN;
        if (scores == SaliencyScores.Logits) map = map.Minus(map.min());
        else if (visualShare) share = image.sum(-1).mean().item<float>() / Math.Max(1e-12, perRow.sum(-1).mean().item<float>());
        var tokenMap = map.cpu().data<float>().ToArray();
        var regions = new RegionGrid(layout.GridHeight, layout.GridWidth, patchSize);
        var (rho, argmax, mass) = SaliencyMap.Concentration(tokenMap, regions);
        return new SaliencyMap(layer, tokenMap, layout.GridHeight, layout.GridWidth, regions, mass, rho, argmax, share);
    }
}
