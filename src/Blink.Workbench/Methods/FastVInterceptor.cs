using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// FastV (Chen et al., 2024) on the same seam: after layer K−1, keep the image tokens with the highest last-token
/// attention (mean over heads), drop the fraction R of the rest, and run layers K.. on the shorter sequence. Kept
/// tokens keep their original positions (as FastV does), so RoPE distances are unchanged.
/// </summary>
public sealed class FastVInterceptor : IDecoderInterceptor
{
    public FastVInterceptor(int k = 2, double ratio = 0.5)
    {
        if (k < 1) throw new ArgumentException($"FastV's K must be ≥ 1 (it prunes after layer K−1), got {k}.");
        if (ratio is < 0 or >= 1 || double.IsNaN(ratio)) throw new ArgumentException($"FastV's pruning ratio R must be in [0, 1), got {ratio}.");
        K = k;
        Ratio = ratio;
    }

    public int K { get; }
    public double Ratio { get; }

    /// <summary>Sequence indices (in the prefill) of the image tokens kept at the latest prefill.</summary>
    public int[] KeptImageTokens { get; private set; } = [];

    public void BeginForward(DecoderState state)
    {
        if (!state.IsPrefill) return;
        if (K >= state.NumLayers) throw new ArgumentException($"FastV's K = {K} must be below the model's {state.NumLayers} decoder layers.");
        if (state.HiddenStates.shape[0] != 1) throw new ArgumentException("FastV runs one sample at a time.");
        if (state.Layout is null) throw new ArgumentException("FastV needs an image in the prompt.");
        state.Layout.RequireSingleImage("FastV");
        KeptImageTokens = [];
    }

    public AttentionRequest BeforeLayer(int layer, DecoderState state) =>
        state.IsPrefill && layer == K - 1 ? AttentionRequest.LastRow(state) : AttentionRequest.None;

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        if (!state.IsPrefill || layer != K - 1) return;
        var layout = state.Layout!;
        var n = layout.ImageLength;
        var keep = (int)Math.Round(n * (1 - Ratio));
        var attention = observation.RowProbabilities![0].mean([0L])[-1].narrow(0, layout.ImageStart, n); // [N]
        var top = attention.topk(keep).indexes.cpu().data<long>().Select(i => (int)i + layout.ImageStart).Order().ToArray();
        KeptImageTokens = top;
        var indices = Enumerable.Range(0, layout.ImageStart)
            .Concat(top)
            .Concat(Enumerable.Range(layout.ImageEnd, state.Length - layout.ImageEnd))
            .Select(i => (long)i).ToArray();
        var index = torch.tensor(indices, device: state.HiddenStates.device);
        var hidden = state.HiddenStates.index_select(1, index);
        var positions = state.PositionIds.index_select(1, index);
        // A subset of the positions: the old bound still holds.
        state.Replace(hidden, positions, layout with { ImageLength = keep, TotalLength = indices.Length, ImageIsGrid = false }, state.PositionLimit);
    }
}
