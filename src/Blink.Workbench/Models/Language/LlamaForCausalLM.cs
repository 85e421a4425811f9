using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Language;

/// <summary>The decoder stack (<c>model</c>) and the LM head (<c>lm_head</c>), as in the checkpoint keys.</summary>
public sealed class LlamaForCausalLM : nn.Module<DecoderInput, DecoderOutput>
{
#pragma warning disable IDE1006
    private readonly LlamaModel model;
    private readonly Linear lm_head;
#pragma warning restore IDE1006

    public LlamaForCausalLM(LlamaTextConfig config, Device? device = null) : base(nameof(LlamaForCausalLM))
    {
        model = new LlamaModel(config, device);
        lm_head = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, device: device);
        RegisterComponents();
    }

    public LlamaModel Model => model;

    public override DecoderOutput forward(DecoderInput input) => model.forward(input);

    public Tensor LmHead(Tensor hidden) => lm_head.forward(hidden);
}
