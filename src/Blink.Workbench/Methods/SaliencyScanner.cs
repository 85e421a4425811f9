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
    /// <remarks>
    /// The rows are read to the host once and reduced there: they are a few thousand floats (heads × rows × keys), and
    /// the head mean, image slice and row mean as tensor operations were five native calls per Blink layer, which on a
    /// small model cost more than the arithmetic (see docs/performance.md).
    /// </remarks>
    public static SaliencyMap Scan(int layer, AttentionObservation observation, SequenceLayout layout, HeadAggregation heads, SaliencyScores scores, int patchSize,
        bool visualShare = true)
    {
        if (!layout.ImageIsGrid) throw new InvalidOperationException("Saliency scanning needs the full image grid, but image tokens were pruned.");
        var source = scores == SaliencyScores.Softmax ? observation.RowProbabilities : observation.RowScores;
        if (source is null) throw new InvalidOperationException($"Layer {layer} reported no attention rows; the scan must request them.");
        if (source.dim() != 4) throw new ArgumentException($"Attention rows must be [batch, heads, rows, keys]; got {source.dim()} dimensions.");
        if (source.shape[0] != 1) throw new ArgumentException($"Blink runs one sample at a time; got a batch of {source.shape[0]}.");
        int h = (int)source.shape[1], r = (int)source.shape[2], tk = (int)source.shape[3];
        if (layout.ImageStart + layout.ImageLength > tk)
            throw new ArgumentException($"Layer {layer} reported {tk} keys, fewer than the image's end ({layout.ImageStart + layout.ImageLength}).");
        var values = source.ToFloatArray();                                        // [H, R, Tk] row-major

        var n = layout.ImageLength;
        var map = new double[n];
        var perHead = new double[tk];
        double imageSum = 0, allSum = 0;
        // Heads are aggregated over every key when the visual share needs the keys outside the image, else over the image.
        var allKeys = visualShare && scores == SaliencyScores.Softmax;
        var keys = allKeys ? tk : n;
        var first = allKeys ? 0 : layout.ImageStart;
        var offset = allKeys ? layout.ImageStart : 0;                              // where the image starts in perHead
        for (var row = 0; row < r; row++)
        {
            for (var k = 0; k < keys; k++)
            {
                double acc = heads == HeadAggregation.Mean ? 0 : double.NegativeInfinity;
                for (var head = 0; head < h; head++)
                {
                    var v = values[((long)head * r + row) * tk + first + k];
                    acc = heads == HeadAggregation.Mean ? acc + v : Math.Max(acc, v);
                }
                perHead[k] = heads == HeadAggregation.Mean ? acc / h : acc;
            }
            for (var j = 0; j < n; j++)
            {
                map[j] += perHead[offset + j];
                imageSum += perHead[offset + j];
            }
            if (allKeys)
                for (var k = 0; k < tk; k++) allSum += perHead[k];
        }
        var tokenMap = new float[n];
        var min = double.PositiveInfinity;
        for (var j = 0; j < n; j++) min = Math.Min(min, map[j] / r);
        for (var j = 0; j < n; j++) tokenMap[j] = (float)(scores == SaliencyScores.Logits ? map[j] / r - min : map[j] / r);
        var share = visualShare && scores == SaliencyScores.Softmax ? imageSum / Math.Max(1e-12, allSum) : double.NaN;

        var regions = new RegionGrid(layout.GridHeight, layout.GridWidth, patchSize);
        var (rho, argmax, mass) = SaliencyMap.Concentration(tokenMap, regions);
        return new SaliencyMap(layer, tokenMap, layout.GridHeight, layout.GridWidth, regions, mass, rho, argmax, share);
    }
}
