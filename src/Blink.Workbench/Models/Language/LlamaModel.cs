using Blink.Workbench.Models.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Language;

/// <summary>Input of the decoder stack: embeddings plus everything the layer loop needs.</summary>
public sealed record DecoderInput(
    Tensor InputsEmbeds,
    Tensor? PositionIds = null,
    SequenceLayout? Layout = null,
    KvCache? Cache = null,
    IDecoderInterceptor? Interceptor = null);

/// <summary>Final hidden states (after the last norm) and the per-layer token counts of this forward.</summary>
public sealed record DecoderOutput(Tensor LastHiddenState, SequenceLayout? Layout, IReadOnlyList<int> TokensPerLayer);

/// <summary>
/// The LLaMA decoder stack with an explicit layer loop. Between layers an <see cref="IDecoderInterceptor"/> sees the
/// <see cref="DecoderState"/> and may edit it; attention it asked for comes from the layer itself.
/// </summary>
public sealed class LlamaModel : nn.Module<DecoderInput, DecoderOutput>
{
#pragma warning disable IDE1006
    private readonly LookupEmbedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly LlamaRMSNorm norm;
    private readonly LlamaRotaryEmbedding rotary_emb;
#pragma warning restore IDE1006

    public LlamaModel(LlamaTextConfig config, Device? device = null) : base(nameof(LlamaModel))
    {
        embed_tokens = new LookupEmbedding(config.VocabSize, config.HiddenSize, device);
        layers = new ModuleList<LlamaDecoderLayer>();
        for (var i = 0; i < config.NumHiddenLayers; i++) layers.Add(new LlamaDecoderLayer(config, i, device));
        norm = new LlamaRMSNorm(config.HiddenSize, config.RmsNormEps, device);
        rotary_emb = new LlamaRotaryEmbedding(config.HeadDim, config.RopeTheta, device);
        RegisterComponents();
    }

    public int LayerCount => layers.Count;

    public Tensor EmbedTokens(Tensor inputIds) => embed_tokens.forward(inputIds);

    public override DecoderOutput forward(DecoderInput input)
    {
        using var scope = NewDisposeScope();
        var x = input.InputsEmbeds;
        long b = x.shape[0], t = x.shape[1];
        var cache = input.Cache;
        var isPrefill = cache is null || cache.IsEmpty;
        var positions = input.PositionIds ?? TensorMath.Arange(t, ScalarType.Int64, x.device).unsqueeze(0).expand(b, t);
        var state = new DecoderState(x, positions, input.Layout, cache, isPrefill, layers.Count, input.PositionIds is null ? t : null);
        var interceptor = input.Interceptor;
        interceptor?.BeginForward(state);

        RotaryTables? rotary = null;
        Tensor? rotaryFor = null;
        for (var l = 0; l < layers.Count; l++)
        {
            var request = interceptor?.BeforeLayer(l, state) ?? AttentionRequest.None;

            // In decode steps each layer continues from its own cached length and position.
            var layerPositions = isPrefill || cache?.NextPosition(l) is null
                ? state.PositionIds
                : cache.NextPosition(l)!.unsqueeze(1).Plus(TensorMath.Arange(state.Length, ScalarType.Int64, x.device).unsqueeze(0));
            if (!ReferenceEquals(layerPositions, rotaryFor))
            {
                // Decode positions come from the cache (no host bound); prefill positions usually have one.
                rotary = rotary_emb.Tables(layerPositions, ReferenceEquals(layerPositions, state.PositionIds) ? state.PositionLimit : null, state.HiddenStates.dtype);
                rotaryFor = layerPositions;
            }

            state.RecordLayer(state.Length);
            var output = layers[l].forward(new DecoderLayerInput(state.HiddenStates, rotary!, cache, request));
            var previous = state.HiddenStates;
            state.SetHidden(output.HiddenStates);
            if (!ReferenceEquals(previous, x)) previous.Dispose();
            cache?.SetNextPosition(l, layerPositions[.., -1].Plus(1L));

            interceptor?.AfterLayer(l, state, output.Observation);
            output.Observation.RowScores?.Dispose();
            output.Observation.RowProbabilities?.Dispose();
            output.Observation.Full?.Dispose();
            if (state.StopRequested) break;
        }
        interceptor?.EndForward(state);
        var last = norm.forward(state.HiddenStates);
        return new DecoderOutput(last.MoveToOuterDisposeScope(), state.Layout, state.TokensPerLayer.ToArray());
    }
}
