namespace Blink.Workbench.Models.Decoding;

/// <summary>Runs several interceptors in order (e.g. an observer that records attention beside Blink that edits).</summary>
public sealed class CompositeInterceptor(params IDecoderInterceptor[] parts) : IDecoderInterceptor
{
    public IReadOnlyList<IDecoderInterceptor> Parts { get; } = parts;

    public void BeginForward(DecoderState state)
    {
        foreach (var p in Parts) p.BeginForward(state);
    }

    public AttentionRequest BeforeLayer(int layer, DecoderState state)
    {
        var request = AttentionRequest.None;
        foreach (var p in Parts) request = request.Merge(p.BeforeLayer(layer, state));
        return request;
    }

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        foreach (var p in Parts) p.AfterLayer(layer, state, observation);
    }

    public void EndForward(DecoderState state)
    {
        foreach (var p in Parts) p.EndForward(state);
    }
}
