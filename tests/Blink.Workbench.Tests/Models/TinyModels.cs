using Blink.Workbench.Models;
using TorchSharp;

namespace Blink.Workbench.Tests.Models;

/// <summary>Small random LLaVA models for numerical tests (grouped-query attention on, 4×4 visual grid).</summary>
internal static class TinyModels
{
    public const int ImageToken = 60;

    public static LlavaConfig Config() => new()
    {
        ImageTokenIndex = ImageToken,
        PadTokenId = 61,
        TextConfig = new LlamaTextConfig
        {
            VocabSize = 64, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 3, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, RmsNormEps = 1e-5, MaxPositionEmbeddings = 256,
        },
        VisionConfig = new ClipVisionConfig
        {
            HiddenSize = 24, IntermediateSize = 48, NumHiddenLayers = 3, NumAttentionHeads = 4, ImageSize = 28, PatchSize = 7,
        },
    };

    public static LlavaForConditionalGeneration Create(int seed = 1)
    {
        torch.manual_seed(seed);
        var model = new LlavaForConditionalGeneration(Config());
        model.eval();
        return model;
    }

    /// <summary>[1, T] prompt: 3 text ids, 16 image ids, 4 text ids.</summary>
    public static torch.Tensor PromptIds(params long[] tail)
    {
        var ids = new List<long> { 1, 5, 7 };
        ids.AddRange(Enumerable.Repeat((long)ImageToken, 16));
        ids.AddRange(tail.Length > 0 ? tail : [9, 11, 13, 2]);
        return torch.tensor(ids.ToArray(), dtype: torch.ScalarType.Int64).reshape(1, ids.Count);
    }

    public static torch.Tensor Pixels(int seed = 3)
    {
        torch.manual_seed(seed);
        return torch.randn(1, 3, 28, 28);
    }
}
