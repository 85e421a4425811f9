using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Vision;

/// <summary>Patch embedding (a strided convolution without bias), a learned class token and learned positions.</summary>
public sealed class CLIPVisionEmbeddings : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Parameter class_embedding;
    private readonly Conv2d patch_embedding;
    private readonly LookupEmbedding position_embedding;
#pragma warning restore IDE1006
    private readonly int _numPositions;

    public CLIPVisionEmbeddings(ClipVisionConfig config, Device? device = null) : base(nameof(CLIPVisionEmbeddings))
    {
        class_embedding = nn.Parameter(torch.randn(config.HiddenSize, device: device));
        patch_embedding = nn.Conv2d(config.NumChannels, config.HiddenSize, kernel_size: config.PatchSize, stride: config.PatchSize, bias: false, device: device);
        _numPositions = config.NumPatches + 1;
        position_embedding = new LookupEmbedding(_numPositions, config.HiddenSize, device);
        RegisterComponents();
    }

    /// <param name="pixelValues">[B, C, S, S] normalised pixels.</param>
    /// <returns>[B, 1 + grid², D]: class token first, then patches in row-major order.</returns>
    public override Tensor forward(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var patches = patch_embedding.forward(pixelValues.to(patch_embedding.weight!.dtype)); // [B, D, g, g]
        patches = patches.flatten(2).transpose(1, 2);                                          // [B, g², D]
        var batch = patches.shape[0];
        var cls = class_embedding.to(patches.dtype).expand(batch, 1, -1);
        var embeddings = torch.cat([cls, patches], dim: 1);
        if (embeddings.shape[1] != _numPositions)
            throw new ArgumentException($"The image gives {embeddings.shape[1] - 1} patches but the vision tower was configured for {_numPositions - 1}; resize the image to the configured image_size.");
        var positions = TensorMath.Arange(_numPositions, ScalarType.Int64, embeddings.device);
        embeddings = embeddings.Plus(position_embedding.forward(positions).unsqueeze(0));
        return embeddings.MoveToOuterDisposeScope();
    }
}
