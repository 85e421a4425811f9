using Blink.Workbench.Models.Decoding;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// Records what the golden file holds from one prefill: the residual stream entering every layer (and leaving the
/// last one, before the final norm), every layer's last-token attention row, and layer 0's full attention.
/// Copies are detached from the forward's dispose scope; the recorder owns and disposes them.
/// </summary>
internal sealed class ReferenceRecorder : IDecoderInterceptor, IDisposable
{
    public List<Tensor> Residual { get; } = [];
    public List<Tensor> LastRows { get; } = [];
    public Tensor? Layer0Full { get; private set; }

    public AttentionRequest BeforeLayer(int layer, DecoderState state)
    {
        Residual.Add(Keep(state.HiddenStates));
        var row = AttentionRequest.LastRow(state);
        return layer == 0 ? row.Merge(AttentionRequest.FullMatrices) : row;
    }

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        LastRows.Add(Keep(observation.RowProbabilitiesFor(state.Length - 1)
            ?? throw new InvalidOperationException($"layer {layer} did not report the last row")));
        if (layer == 0) Layer0Full = Keep(observation.Full ?? throw new InvalidOperationException("layer 0 did not report its full attention"));
    }

    public void EndForward(DecoderState state) => Residual.Add(Keep(state.HiddenStates));

    private static Tensor Keep(Tensor t) => t.detach().cpu().to(ScalarType.Float32).clone().DetachFromDisposeScope();

    public void Dispose()
    {
        foreach (var t in Residual.Concat(LastRows)) t.Dispose();
        Layer0Full?.Dispose();
    }
}
