using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

/// <summary>Vision features → language embedding space: linear_1 → exact (erf) GELU → linear_2.</summary>
public sealed class LlavaMultiModalProjector : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear linear_1;
    private readonly Linear linear_2;
#pragma warning restore IDE1006

    public LlavaMultiModalProjector(LlavaConfig config, Device? device = null) : base(nameof(LlavaMultiModalProjector))
    {
        var inDim = config.VisionConfig.HiddenSize;
        var outDim = config.TextConfig.HiddenSize;
        linear_1 = nn.Linear(inDim, outDim, hasBias: config.MultimodalProjectorBias, device: device);
        linear_2 = nn.Linear(outDim, outDim, hasBias: config.MultimodalProjectorBias, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        return linear_2.forward(nn.functional.gelu(linear_1.forward(features))).MoveToOuterDisposeScope();
    }
}
