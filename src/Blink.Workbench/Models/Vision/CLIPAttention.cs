using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Vision;

/// <summary>Bidirectional multi-head self-attention of the CLIP encoder (fused SDPA; CLIP needs no attention maps here).</summary>
public sealed class CLIPAttention : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear q_proj;
    private readonly Linear out_proj;
#pragma warning restore IDE1006
    private readonly int _heads;
    private readonly int _headDim;

    public CLIPAttention(ClipVisionConfig config, Device? device = null) : base(nameof(CLIPAttention))
    {
        _heads = config.NumAttentionHeads;
        _headDim = config.HiddenSize / _heads;
        k_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        v_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        q_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        out_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        Tensor Split(Tensor y) => y.view(b, t, _heads, _headDim).transpose(1, 2);
        var q = Split(q_proj.forward(x));
        var k = Split(k_proj.forward(x));
        var v = Split(v_proj.forward(x));
        var o = nn.functional.scaled_dot_product_attention(q, k, v);
        o = o.transpose(1, 2).reshape(b, t, _heads * _headDim);
        return out_proj.forward(o).MoveToOuterDisposeScope();
    }
}
