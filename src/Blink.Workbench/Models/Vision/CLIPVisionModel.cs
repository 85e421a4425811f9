using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Vision;

/// <summary>The vision tower: a thin wrapper whose only child is <c>vision_model</c>, as in the checkpoint keys.</summary>
public sealed class CLIPVisionModel : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly CLIPVisionTransformer vision_model;
#pragma warning restore IDE1006

    public CLIPVisionModel(ClipVisionConfig config, Device? device = null) : base(nameof(CLIPVisionModel))
    {
        vision_model = new CLIPVisionTransformer(config, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor pixelValues) => vision_model.forward(pixelValues);

    public Tensor HiddenState(Tensor pixelValues, int index) => vision_model.HiddenState(pixelValues, index);
}
