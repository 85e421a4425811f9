using System.Text.Json.Serialization;

namespace Blink.Workbench.Models;

/// <summary>
/// The language model half of a LLaVA <c>config.json</c> (<c>text_config</c>). Defaults are Hugging Face's
/// <c>LlamaConfig</c> defaults, because llava-hf's 7B config omits every field that equals them.
/// </summary>
public sealed class LlamaTextConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "llama";
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 32000;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 4096;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 11008;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 32;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 32;
    /// <summary>Null means "same as heads" (plain multi-head attention), as in HF.</summary>
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("head_dim")] public int? HeadDimOverride { get; set; }
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; set; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 10000.0;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 2048;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "silu";
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; set; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; set; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }

    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;

    internal void Validate(string source)
    {
        ConfigGuard.Positive(source, "text_config.hidden_size", HiddenSize);
        ConfigGuard.Positive(source, "text_config.num_hidden_layers", NumHiddenLayers);
        ConfigGuard.Positive(source, "text_config.num_attention_heads", NumAttentionHeads);
        ConfigGuard.Positive(source, "text_config.intermediate_size", IntermediateSize);
        ConfigGuard.Positive(source, "text_config.vocab_size", VocabSize);
        ConfigGuard.Positive(source, "text_config.num_key_value_heads", KeyValueHeads);
        if (HeadDimOverride is null && HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException($"{source}: text_config.hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.");
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw new InvalidDataException($"{source}: text_config.num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {KeyValueHeads}.");
        if (HeadDim % 2 != 0)
            throw new InvalidDataException($"{source}: the attention head size {HeadDim} must be even for rotary embeddings.");
        if (HiddenAct != "silu")
            throw new InvalidDataException($"{source}: text_config.hidden_act '{HiddenAct}' is not supported (LLaMA uses 'silu').");
    }
}
