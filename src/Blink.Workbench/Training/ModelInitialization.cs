using Blink.Workbench.Models;
using TorchSharp;

namespace Blink.Workbench.Training;

/// <summary>
/// Hugging Face's initialisation for LLaMA/CLIP trained from scratch: every matrix (linear, embedding, convolution)
/// drawn from N(0, σ²) with σ = initializer_range (0.02), biases zero, norm weights one, CLIP's class token
/// N(0, 1/D). TorchSharp's module defaults (Kaiming-uniform linears, N(0,1) embeddings) let learned position
/// embeddings swamp the patch content, which stalls a from-scratch vision tower.
/// </summary>
public static class ModelInitialization
{
    public static void HuggingFace(LlavaForConditionalGeneration model, double std = 0.02)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("class_embedding", StringComparison.Ordinal)) torch.nn.init.normal_(p, 0, 1 / Math.Sqrt(p.shape[0]));
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) torch.nn.init.zeros_(p);
            else if (p.dim() == 1) torch.nn.init.ones_(p);
            else torch.nn.init.normal_(p, 0, std);
        }
    }
}
