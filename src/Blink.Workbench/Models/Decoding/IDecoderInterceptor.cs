namespace Blink.Workbench.Models.Decoding;

/// <summary>
/// The seam between decoder layers. Blink, FastV and the pilot study implement it: before a layer runs they say which
/// attention they want to see, after it ran they read it (and the state) and may edit the sequence for the next
/// layer. Called in order for every layer of every forward (prefill and decode steps).
/// </summary>
public interface IDecoderInterceptor
{
    /// <summary>Start of a forward pass (reset per-forward state here).</summary>
    void BeginForward(DecoderState state) { }

    /// <summary>Before layer <paramref name="layer"/>; may edit the state; returns the attention to observe.</summary>
    AttentionRequest BeforeLayer(int layer, DecoderState state) => AttentionRequest.None;

    /// <summary>After layer <paramref name="layer"/> ran; edits apply from layer + 1 on.</summary>
    void AfterLayer(int layer, DecoderState state, AttentionObservation observation) { }

    /// <summary>End of the forward pass, before the final norm and LM head.</summary>
    void EndForward(DecoderState state) { }
}
