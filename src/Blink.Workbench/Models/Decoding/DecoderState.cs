using static TorchSharp.torch;

namespace Blink.Workbench.Models.Decoding;

/// <summary>
/// The explicit per-layer state of the decoder's layer loop: the residual stream entering the next layer, its position
/// ids and layout, and the per-layer KV cache. Interceptors observe it between layers and may replace the sequence
/// (insert, drop or prune tokens) before the next layer runs; vanilla inference is simply no intervention.
/// </summary>
public sealed class DecoderState
{
    private readonly List<int> _tokensPerLayer = [];

    internal DecoderState(Tensor hiddenStates, Tensor positionIds, SequenceLayout? layout, KvCache? cache, bool isPrefill, int numLayers, long? positionLimit = null)
    {
        PositionLimit = positionLimit;
        HiddenStates = hiddenStates;
        PositionIds = positionIds;
        Layout = layout;
        Cache = cache;
        IsPrefill = isPrefill;
        NumLayers = numLayers;
    }

    /// <summary>[B, T, D]: residual-stream hidden states before the next layer's input RMSNorm.</summary>
    public Tensor HiddenStates { get; private set; }

    /// <summary>[B, T] int64 RoPE positions of the tokens in <see cref="HiddenStates"/> (prefill only; decode positions come from the cache).</summary>
    public Tensor PositionIds { get; private set; }

    /// <summary>Where the image, inserted and text tokens are; null when the sequence has no image.</summary>
    public SequenceLayout? Layout { get; private set; }

    /// <summary>
    /// An exclusive upper bound of every value in <see cref="PositionIds"/> when one is known on the host (positions the
    /// decoder made itself, or an edit that says so), which lets the rotary tables be looked up rather than computed;
    /// null when unknown.
    /// </summary>
    public long? PositionLimit { get; private set; }

    public KvCache? Cache { get; }

    /// <summary>True while processing the prompt; false for decode steps, where interventions must not edit the sequence.</summary>
    public bool IsPrefill { get; }

    public int NumLayers { get; }

    public int Length => (int)HiddenStates.shape[1];

    /// <summary>How many tokens each layer processed so far in this forward (the cost of an intervention).</summary>
    public IReadOnlyList<int> TokensPerLayer => _tokensPerLayer;

    internal void RecordLayer(int tokens) => _tokensPerLayer.Add(tokens);

    /// <summary>True once an interceptor asked for the layer loop to end after the current layer.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>
    /// Ends the layer loop after the current layer: for read-only forwards that only need states up to one layer (an
    /// attention probe, a crop teacher). The output logits then come from that layer's states and mean nothing, and
    /// no KV cache may be filled, since later layers would lack it.
    /// </summary>
    public void StopAfterThisLayer()
    {
        if (Cache is not null) throw new InvalidOperationException("A forward that fills a KV cache must run every layer.");
        StopRequested = true;
    }

    internal void SetHidden(Tensor hidden) => HiddenStates = hidden;

    /// <summary>Replaces the whole sequence (an edit between layers). Lengths must agree.</summary>
    /// <param name="positionLimit">An exclusive upper bound of the new positions if the editor knows one (see <see cref="PositionLimit"/>).</param>
    public void Replace(Tensor hiddenStates, Tensor positionIds, SequenceLayout? layout, long? positionLimit = null)
    {
        if (!IsPrefill) throw new InvalidOperationException("The sequence can only be edited during the prefill.");
        if (hiddenStates.dim() != 3 || positionIds.dim() != 2 || hiddenStates.shape[1] != positionIds.shape[1] || hiddenStates.shape[0] != positionIds.shape[0])
            throw new ArgumentException($"Hidden states {Shape(hiddenStates)} and position ids {Shape(positionIds)} disagree.");
        if (layout is not null && layout.TotalLength != hiddenStates.shape[1])
            throw new ArgumentException($"Layout length {layout.TotalLength} does not match the sequence length {hiddenStates.shape[1]}.");
        HiddenStates = hiddenStates;
        PositionIds = positionIds;
        Layout = layout;
        PositionLimit = positionLimit;
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
