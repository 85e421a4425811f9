using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Language;

/// <summary>RMSNorm computed in float32 and cast back before the weight, as HF LLaMA does (matters in fp16/bf16).</summary>
public sealed class LlamaRMSNorm : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Parameter weight;
#pragma warning restore IDE1006
    private readonly double _eps;

    public LlamaRMSNorm(int hiddenSize, double eps, Device? device = null) : base(nameof(LlamaRMSNorm))
    {
        weight = nn.Parameter(torch.ones(hiddenSize, device: device));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var dtype = x.dtype;
        var h = x.to(ScalarType.Float32);
        h = h * torch.rsqrt(h.Squared().mean([-1L], keepdim: true).Plus(_eps));
        return (weight * h.to(dtype)).MoveToOuterDisposeScope();
    }
}
