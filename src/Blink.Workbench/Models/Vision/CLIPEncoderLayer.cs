using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Vision;

/// <summary>Pre-LN transformer block: x + attn(LN1(x)), then + mlp(LN2(·)).</summary>
public sealed class CLIPEncoderLayer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly CLIPAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly CLIPMLP mlp;
    private readonly LayerNorm layer_norm2;
#pragma warning restore IDE1006

    public CLIPEncoderLayer(ClipVisionConfig config, Device? device = null) : base(nameof(CLIPEncoderLayer))
    {
        self_attn = new CLIPAttention(config, device);
        layer_norm1 = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        mlp = new CLIPMLP(config, device);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x.Plus(self_attn.forward(layer_norm1.forward(x)));
        h = h.Plus(mlp.forward(layer_norm2.forward(h)));
        return h.MoveToOuterDisposeScope();
    }
}
