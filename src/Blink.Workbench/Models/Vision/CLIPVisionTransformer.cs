using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Vision;

/// <summary>
/// CLIP's vision transformer. <c>post_layernorm</c> is kept so checkpoints load strictly, but LLaVA never uses it:
/// its features come from an intermediate layer.
/// </summary>
public sealed class CLIPVisionTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly CLIPVisionEmbeddings embeddings;
    private readonly LayerNorm pre_layrnorm; // sic: the checkpoint key keeps CLIP's typo
    private readonly CLIPEncoder encoder;
    private readonly LayerNorm post_layernorm;
#pragma warning restore IDE1006

    public CLIPVisionTransformer(ClipVisionConfig config, Device? device = null) : base(nameof(CLIPVisionTransformer))
    {
        embeddings = new CLIPVisionEmbeddings(config, device);
        pre_layrnorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        encoder = new CLIPEncoder(config, device);
        post_layernorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <summary>All layers, then post_layernorm of the class token (CLIP's pooled output).</summary>
    public override Tensor forward(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var h = HiddenState(pixelValues, encoder.Count);
        return post_layernorm.forward(h[.., 0]).MoveToOuterDisposeScope();
    }

    /// <summary>HF's <c>hidden_states[index]</c>: 0 is the embedding after pre_layrnorm, i the output of layer i−1.</summary>
    public Tensor HiddenState(Tensor pixelValues, int index)
    {
        using var scope = NewDisposeScope();
        var h = pre_layrnorm.forward(embeddings.forward(pixelValues));
        return encoder.Forward(h, index).MoveToOuterDisposeScope();
    }
}
