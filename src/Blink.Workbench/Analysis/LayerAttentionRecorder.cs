using Blink.Workbench.Models;
using Blink.Workbench.Methods;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>What the recorder copied from one layer of one prefill.</summary>
/// <param name="Scan">The saliency scan of the last prompt token (head mean; token map, ρ, salient region, visual share).</param>
/// <param name="HeadMaps">Per head, the last prompt token's attention over the visual grid (only for requested layers).</param>
/// <param name="QueryMaps">Per head and text query, attention over the visual grid, [head][query][token] (full-matrix mode only).</param>
public sealed record LayerCapture(SaliencyMap Scan, float[][]? HeadMaps = null, float[][][]? QueryMaps = null);

/// <summary>
/// Records, for every decoder layer of a prefill, the last prompt token's attention over the visual grid: one
/// interceptor, the cheap last-row path (O(T) per layer). Full attention matrices are requested only for the layers in
/// <paramref name="fullLayers"/> (per-head, per-query maps: the expensive mode). Tensors are copied to host arrays inside
/// the callback because they die with the forward's dispose scope. Decode steps are ignored.
/// </summary>
public sealed class LayerAttentionRecorder(int patchSize, IReadOnlySet<int>? headLayers = null, IReadOnlySet<int>? fullLayers = null) : IDecoderInterceptor
{
    private readonly Dictionary<int, LayerCapture> _layers = [];

    /// <summary>Captures of the latest prefill, by layer.</summary>
    public IReadOnlyDictionary<int, LayerCapture> Layers => _layers;

    /// <summary>Sequence layout of the latest prefill (where the image was).</summary>
    public SequenceLayout? Layout { get; private set; }

    public void BeginForward(DecoderState state)
    {
        if (!state.IsPrefill) return;
        _layers.Clear();
        Layout = state.Layout ?? throw new ArgumentException("The layer-attention study needs an image in the prompt (no image tokens were found).");
        if (!Layout.ImageIsGrid) throw new ArgumentException("The layer-attention study needs the full image grid.");
    }

    public AttentionRequest BeforeLayer(int layer, DecoderState state)
    {
        if (!state.IsPrefill) return AttentionRequest.None;
        var last = AttentionRequest.LastRow(state);
        return fullLayers?.Contains(layer) == true ? new AttentionRequest(last.QueryRows, Full: true) : last;
    }

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        if (!state.IsPrefill) return;
        var layout = state.Layout!;
        var scan = SaliencyScanner.Scan(layer, observation, layout, HeadAggregation.Mean, SaliencyScores.Softmax, patchSize);
        float[][]? heads = null;
        float[][][]? queries = null;
        using (var scope = NewDisposeScope())
        {
            if (headLayers?.Contains(layer) == true)
            {
                var rows = observation.RowProbabilities![0];                                   // [H, R, Tk]
                var image = rows.select(1, rows.shape[1] - 1).narrow(-1, layout.ImageStart, layout.ImageLength); // [H, N] (last row)
                heads = ToHost2(image);
            }
            if (observation.Full is { } full)
            {
                var text = full[0].narrow(1, layout.TextStart, layout.TextLength)            // [H, Ttext, Tk]
                    .narrow(-1, layout.ImageStart, layout.ImageLength);                       // [H, Ttext, N]
                var h = (int)text.shape[0];
                queries = Enumerable.Range(0, h).Select(i => ToHost2(text[i])).ToArray();
            }
        }
        _layers[layer] = new LayerCapture(scan, heads, queries);
    }

    private static float[][] ToHost2(Tensor t)
    {
        int rows = (int)t.shape[0], cols = (int)t.shape[1];
        var flat = t.ToFloatArray();
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * cols, cols).ToArray()).ToArray();
    }
}
