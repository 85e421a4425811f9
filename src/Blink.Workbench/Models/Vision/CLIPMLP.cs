using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Vision;

/// <summary>fc1 → quick-GELU (x·σ(1.702x), what CLIP was trained with) → fc2.</summary>
public sealed class CLIPMLP : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear fc1;
    private readonly Linear fc2;
#pragma warning restore IDE1006
    private readonly bool _quickGelu;
    private static readonly Scalar QuickGeluScale = TensorMath.Constant(1.702);

    public CLIPMLP(ClipVisionConfig config, Device? device = null) : base(nameof(CLIPMLP))
    {
        fc1 = nn.Linear(config.HiddenSize, config.IntermediateSize, device: device);
        fc2 = nn.Linear(config.IntermediateSize, config.HiddenSize, device: device);
        _quickGelu = config.HiddenAct == "quick_gelu";
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = fc1.forward(x);
        h = _quickGelu ? h * torch.sigmoid(h.Times(QuickGeluScale)) : nn.functional.gelu(h);
        return fc2.forward(h).MoveToOuterDisposeScope();
    }
}
