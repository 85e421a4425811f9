using System.Text.Json.Serialization;

namespace Blink.Workbench.Models;

/// <summary>
/// The vision tower half of a LLaVA <c>config.json</c> (<c>vision_config</c>). Defaults are Hugging Face's
/// <c>CLIPVisionConfig</c> defaults; llava-hf's config overrides the sizes it needs.
/// </summary>
public sealed class ClipVisionConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "clip_vision_model";
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 768;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 3072;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 12;
    [JsonPropertyName("num_channels")] public int NumChannels { get; set; } = 3;
    [JsonPropertyName("image_size")] public int ImageSize { get; set; } = 224;
    [JsonPropertyName("patch_size")] public int PatchSize { get; set; } = 32;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "quick_gelu";
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-5;

    /// <summary>Patches per side: the visual-token grid is GridSize × GridSize.</summary>
    [JsonIgnore] public int GridSize => ImageSize / PatchSize;
    [JsonIgnore] public int NumPatches => GridSize * GridSize;

    internal void Validate(string source)
    {
        ConfigGuard.Positive(source, "vision_config.hidden_size", HiddenSize);
        ConfigGuard.Positive(source, "vision_config.num_hidden_layers", NumHiddenLayers);
        ConfigGuard.Positive(source, "vision_config.num_attention_heads", NumAttentionHeads);
        ConfigGuard.Positive(source, "vision_config.image_size", ImageSize);
        ConfigGuard.Positive(source, "vision_config.patch_size", PatchSize);
        if (ImageSize % PatchSize != 0)
            throw new InvalidDataException($"{source}: vision_config.image_size {ImageSize} is not a multiple of patch_size {PatchSize}.");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException($"{source}: vision_config.hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.");
        if (HiddenAct is not ("quick_gelu" or "gelu"))
            throw new InvalidDataException($"{source}: vision_config.hidden_act '{HiddenAct}' is not supported (expected quick_gelu or gelu).");
    }
}
