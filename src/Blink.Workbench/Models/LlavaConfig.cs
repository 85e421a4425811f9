using System.Text.Json;
using System.Text.Json.Serialization;

namespace Blink.Workbench.Models;

/// <summary>
/// A LLaVA-style model configuration read from a Hugging Face <c>config.json</c> (llava-hf layout, nested
/// <c>text_config</c> / <c>vision_config</c>). The tiny testbed model and LLaVA-1.5-7B are the same type.
/// </summary>
public sealed class LlavaConfig
{
    [JsonPropertyName("architectures")] public string[]? Architectures { get; set; } = ["LlavaForConditionalGeneration"];
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "llava";
    [JsonPropertyName("image_token_index")] public int ImageTokenIndex { get; set; } = 32000;
    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; set; }
    [JsonPropertyName("projector_hidden_act")] public string ProjectorHiddenAct { get; set; } = "gelu";
    [JsonPropertyName("multimodal_projector_bias")] public bool MultimodalProjectorBias { get; set; } = true;
    [JsonPropertyName("vision_feature_layer")] public int VisionFeatureLayer { get; set; } = -2;
    [JsonPropertyName("vision_feature_select_strategy")] public string VisionFeatureSelectStrategy { get; set; } = "default";
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }
    [JsonPropertyName("text_config")] public LlamaTextConfig TextConfig { get; set; } = new();
    [JsonPropertyName("vision_config")] public ClipVisionConfig VisionConfig { get; set; } = new();

    /// <summary>Number of visual tokens one image contributes to the language model.</summary>
    [JsonIgnore] public int ImageTokenCount => VisionConfig.NumPatches + (VisionFeatureSelectStrategy == "full" ? 1 : 0);

    /// <summary>
    /// The vision encoder layer whose output feeds the projector, as an index into HF's <c>hidden_states</c> tuple
    /// (0 = embeddings after <c>pre_layrnorm</c>, i = output of encoder layer i−1). −2 (LLaVA) is the penultimate layer.
    /// </summary>
    [JsonIgnore]
    public int VisionHiddenStateIndex =>
        VisionFeatureLayer < 0 ? VisionConfig.NumHiddenLayers + 1 + VisionFeatureLayer : VisionFeatureLayer;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static LlavaConfig FromFile(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, "config.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"Model config not found: {path}", path);
        return Parse(File.ReadAllText(path), path);
    }

    public static LlavaConfig Parse(string json, string source = "config.json")
    {
        LlavaConfig? config;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: expected a JSON object at the top level.");
            var marker = OriginalLlavaLayout.ConfigMarkers.FirstOrDefault(m => doc.RootElement.TryGetProperty(m, out _));
            if (marker is not null)
                throw new InvalidDataException(
                    $"{source}: '{marker}' marks the original liuhaotian/LLaVA layout (LLaMA keys with model.mm_projector, " +
                    $"CLIP tower in a separate folder, no <image> token), which the workbench does not load. {OriginalLlavaLayout.ConversionHint}");
            config = doc.RootElement.Deserialize<LlavaConfig>(JsonOptions);
            if (config is not null)
                config.DefaultedSections = new[] { "text_config", "vision_config" }.Where(k => !doc.RootElement.TryGetProperty(k, out _)).ToArray();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: malformed JSON ({e.Message}).", e);
        }
        if (config is null) throw new InvalidDataException($"{source}: empty config.");
        config.Validate(source);
        return config;
    }

    /// <summary>
    /// Sections the file did not have, filled with the LLaMA-7B / CLIP-L defaults (as Hugging Face does); named when
    /// the weights then do not fit.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<string> DefaultedSections { get; private set; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void Validate(string source = "config")
    {
        // "text_config": null deserializes to a null section (leaving the key out gives the defaults instead).
        if (TextConfig is null || VisionConfig is null)
            throw new InvalidDataException($"{source}: {(TextConfig is null ? "text_config" : "vision_config")} is null; give the section, or leave the key out for the LLaMA-7B / CLIP-L defaults.");
        TextConfig.Validate(source);
        VisionConfig.Validate(source);
        if (VisionHiddenStateIndex < 0 || VisionHiddenStateIndex > VisionConfig.NumHiddenLayers)
            throw new InvalidDataException($"{source}: vision_feature_layer {VisionFeatureLayer} is outside the vision tower's {VisionConfig.NumHiddenLayers} layers.");
        if (VisionFeatureSelectStrategy is not ("default" or "full"))
            throw new InvalidDataException($"{source}: vision_feature_select_strategy '{VisionFeatureSelectStrategy}' is not supported (default or full).");
        if (ProjectorHiddenAct != "gelu")
            throw new InvalidDataException($"{source}: projector_hidden_act '{ProjectorHiddenAct}' is not supported (LLaVA uses exact gelu).");
        if (ImageTokenIndex < 0 || ImageTokenIndex >= TextConfig.VocabSize)
            throw new InvalidDataException($"{source}: image_token_index {ImageTokenIndex} is outside the vocabulary of {TextConfig.VocabSize}.");
    }

    /// <summary>The llava-hf/llava-1.5-7b-hf configuration (as its config.json states it, with HF defaults filled in).</summary>
    public static LlavaConfig Llava15_7B() => new()
    {
        ImageTokenIndex = 32000,
        PadTokenId = 32001,
        TextConfig = new LlamaTextConfig { VocabSize = 32064, MaxPositionEmbeddings = 4096, RmsNormEps = 1e-5 },
        VisionConfig = new ClipVisionConfig { HiddenSize = 1024, ImageSize = 336, IntermediateSize = 4096, NumAttentionHeads = 16, NumHiddenLayers = 24, PatchSize = 14 },
    };
}
