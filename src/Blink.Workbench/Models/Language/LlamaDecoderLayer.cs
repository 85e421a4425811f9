using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Language;

public sealed record DecoderLayerInput(Tensor HiddenStates, RotaryTables Rotary, KvCache? Cache, AttentionRequest Request);

public sealed record DecoderLayerOutput(Tensor HiddenStates, AttentionObservation Observation);

/// <summary>Pre-norm LLaMA block: h = x + attn(norm(x)); out = h + mlp(norm(h)).</summary>
public sealed class LlamaDecoderLayer : nn.Module<DecoderLayerInput, DecoderLayerOutput>
{
#pragma warning disable IDE1006
    private readonly LlamaAttention self_attn;
    private readonly LlamaMLP mlp;
    private readonly LlamaRMSNorm input_layernorm;
    private readonly LlamaRMSNorm post_attention_layernorm;
#pragma warning restore IDE1006

    public LlamaDecoderLayer(LlamaTextConfig config, int layerIndex, Device? device = null) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config, layerIndex, device);
        mlp = new LlamaMLP(config, device);
        input_layernorm = new LlamaRMSNorm(config.HiddenSize, config.RmsNormEps, device);
        post_attention_layernorm = new LlamaRMSNorm(config.HiddenSize, config.RmsNormEps, device);
        RegisterComponents();
    }

    public override DecoderLayerOutput forward(DecoderLayerInput input)
    {
        using var scope = NewDisposeScope();
        var attn = self_attn.forward(new AttentionInput(input_layernorm.forward(input.HiddenStates), input.Rotary, input.Cache, input.Request));
        var h = input.HiddenStates.Plus(attn.HiddenStates);
        h = h.Plus(mlp.forward(post_attention_layernorm.forward(h)));
        attn.Observation.RowScores?.MoveToOuterDisposeScope();
        attn.Observation.RowProbabilities?.MoveToOuterDisposeScope();
        attn.Observation.Full?.MoveToOuterDisposeScope();
        return new DecoderLayerOutput(h.MoveToOuterDisposeScope(), attn.Observation);
    }
}
