using Blink.Workbench.Models;
using Blink.Workbench.Text;

namespace Blink.Workbench.Training;

/// <summary>
/// The embedded default model: the same LLaVA architecture as the 7B model, shrunk so it trains from scratch on two
/// CPU cores in minutes. A 112-px image with 14-px patches gives an 8×8 visual grid; six decoder layers leave room for a
/// Blink band in the middle (layers 2–3, the 12–18-of-32 band scaled).
/// </summary>
public static class TinyModelConfig
{
    public static LlavaConfig Create(ITextTokenizer tokenizer, int imageSize = 112, int patchSize = 14) => new()
    {
        ImageTokenIndex = tokenizer.ImageTokenId,
        PadTokenId = tokenizer.PadId,
        TextConfig = new LlamaTextConfig
        {
            VocabSize = tokenizer.VocabSize,
            HiddenSize = 128,
            IntermediateSize = 320,
            NumHiddenLayers = 6,
            NumAttentionHeads = 4,
            NumKeyValueHeads = 2,
            RmsNormEps = 1e-5,
            MaxPositionEmbeddings = 512,
        },
        VisionConfig = new ClipVisionConfig
        {
            HiddenSize = 96,
            IntermediateSize = 256,
            NumHiddenLayers = 4,
            NumAttentionHeads = 4,
            ImageSize = imageSize,
            PatchSize = patchSize,
        },
    };
}
