using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Performance;

/// <summary>
/// A LLaVA-7B-shaped decoder slice for speed measurements: a few 4096-wide LLaMA layers (32 heads, SwiGLU 11008) with
/// random weights, a 24×24 image grid, and a prompt of about 600 tokens. The vision tower is skipped (features are
/// given), so only the decoder is timed.
/// </summary>
public static class SliceModel
{
    public static LlavaConfig Config(int layers, int vocab = 32064) => new()
    {
        ImageTokenIndex = 32000,
        PadTokenId = 32001,
        TextConfig = new LlamaTextConfig { VocabSize = vocab, NumHiddenLayers = layers, RmsNormEps = 1e-5, MaxPositionEmbeddings = 4096 },
        VisionConfig = new ClipVisionConfig { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 2, ImageSize = 336, PatchSize = 14 },
    };

    /// <summary>Builds the slice on the device, its prompt ids [1, prefix + 576 + text] and random image features [1, 576, 4096].</summary>
    public static (LlavaForConditionalGeneration Model, Tensor Ids, Tensor Features) Create(int layers, Device device, ScalarType dtype, int prefix = 35, int text = 24, int seed = 0)
    {
        torch.manual_seed(seed);
        var model = new LlavaForConditionalGeneration(Config(layers));
        model.eval();
        model.to(device, dtype);
        var config = model.Config;
        var rng = new Random(seed);
        var ids = new List<long> { 1 };
        for (var i = 1; i < prefix; i++) ids.Add(rng.Next(2, 31999));
        ids.AddRange(Enumerable.Repeat((long)config.ImageTokenIndex, config.ImageTokenCount));
        for (var i = 0; i < text; i++) ids.Add(rng.Next(2, 31999));
        var idTensor = torch.tensor(ids.ToArray(), dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var features = torch.randn(1, config.ImageTokenCount, config.TextConfig.HiddenSize, device: device).Times(0.5).to(dtype);
        return (model, idTensor, features);
    }
}
