using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Vision;

public sealed class CLIPEncoder : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly ModuleList<CLIPEncoderLayer> layers;
#pragma warning restore IDE1006

    public CLIPEncoder(ClipVisionConfig config, Device? device = null) : base(nameof(CLIPEncoder))
    {
        layers = new ModuleList<CLIPEncoderLayer>();
        for (var i = 0; i < config.NumHiddenLayers; i++) layers.Add(new CLIPEncoderLayer(config, device));
        RegisterComponents();
    }

    public int Count => layers.Count;

    public override Tensor forward(Tensor x) => Forward(x, layers.Count);

    /// <summary>Runs only the first <paramref name="layerCount"/> layers: LLaVA reads the penultimate layer, so the last is never needed.</summary>
    public Tensor Forward(Tensor x, int layerCount)
    {
        using var scope = NewDisposeScope();
        var h = x;
        for (var i = 0; i < layerCount; i++) h = layers[i].forward(h);
        return (ReferenceEquals(h, x) ? h.alias() : h).MoveToOuterDisposeScope();
    }
}
