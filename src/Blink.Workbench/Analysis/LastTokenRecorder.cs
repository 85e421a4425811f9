using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>Per layer, the last prompt token's hidden state after the layer and its head-mean attention over the visual tokens.</summary>
internal sealed class LastTokenRecorder : IDecoderInterceptor
{
    public Dictionary<int, float[]> Hidden { get; } = [];
    public Dictionary<int, float[]> Attention { get; } = [];

    public AttentionRequest BeforeLayer(int layer, DecoderState state) => state.IsPrefill ? AttentionRequest.LastRow(state) : AttentionRequest.None;

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        if (!state.IsPrefill) return;
        var layout = state.Layout ?? throw new InvalidOperationException("A probe needs an image in the prompt.");
        Hidden[layer] = state.HiddenStates[0, state.Length - 1].to(ScalarType.Float32).cpu().ToFloatArray();
        var rows = observation.RowProbabilities ?? throw new InvalidOperationException($"Layer {layer} reported no attention row.");
        Attention[layer] = rows[0].select(1, rows.shape[2] - 1).mean([0]).narrow(0, layout.ImageStart, layout.ImageLength).cpu().ToFloatArray();
    }
}
