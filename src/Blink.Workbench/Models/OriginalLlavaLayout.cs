using Blink.Workbench.IO;

namespace Blink.Workbench.Models;

/// <summary>
/// Recognises the original <c>liuhaotian/llava-v1.5-*</c> layout (LLaMA keys <c>model.*</c>/<c>lm_head</c>,
/// projector <c>model.mm_projector.0/2</c>, vocabulary 32000 without an <c>&lt;image&gt;</c> token, CLIP tower in a
/// separate <c>openai/clip-vit-large-patch14-336</c> folder) and says how to convert it. The workbench loads only the
/// llava-hf layout: the original one has no image token in its vocabulary (it splices features at a −200
/// placeholder), so supporting it would need a second prompt path, not just a key map.
/// </summary>
public static class OriginalLlavaLayout
{
    public const string ConversionHint =
        "Convert it to the llava-hf layout with Hugging Face transformers' convert_llava_weights_to_hf.py, e.g. " +
        "python -m transformers.models.llava.convert_llava_weights_to_hf --text_model_id lmsys/vicuna-7b-v1.5 " +
        "--vision_model_id openai/clip-vit-large-patch14-336 --old_state_dict_id liuhaotian/llava-v1.5-7b --output_hub_path OUT_DIR, " +
        "or download the converted llava-hf/llava-1.5-7b-hf (-13b-hf) directly.";

    /// <summary>Top-level keys only the original config.json has.</summary>
    public static readonly IReadOnlyList<string> ConfigMarkers = ["mm_vision_tower", "mm_projector_type", "mm_hidden_size", "mm_vision_select_layer"];

    /// <summary>True when a checkpoint key is one the original layout uses and llava-hf never does.</summary>
    public static bool IsOriginalKey(string key) =>
        key.StartsWith("model.mm_projector.", StringComparison.Ordinal)
        || key.StartsWith("model.layers.", StringComparison.Ordinal)
        || key == "model.embed_tokens.weight"
        || key == "lm_head.weight";

    /// <summary>The mismatch, re-explained when the checkpoint is in the original layout; null otherwise.</summary>
    public static InvalidDataException? Explain(CheckpointMismatchException mismatch)
    {
        var original = mismatch.Unexpected.FirstOrDefault(u => IsOriginalKey(u.Key));
        if (original.Key is null) return null;
        return new InvalidDataException(
            $"{original.File} holds '{original.Key}': these are original LLaVA (liuhaotian) weights, not the llava-hf layout the workbench loads. {ConversionHint}",
            mismatch);
    }
}
