using System.Text.Json.Nodes;
using Blink.Workbench.IO;
using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// The original liuhaotian/llava-v1.5 layout is refused with a message that says how to convert it, whether the
/// config gives it away or only the weights do; nothing is allocated first.
/// </summary>
[Collection("Torch")]
public sealed class OriginalLayoutTests
{
    private static readonly Device NeverAllocated = new(DeviceType.CUDA, 0);

    [Fact]
    public void OriginalConfigJson_IsRefusedWithTheConversionCommand()
    {
        using var copy = new FixtureCopy();
        // The fixture's sizes in the original LlavaLlamaForCausalLM config format.
        var original = new JsonObject
        {
            ["architectures"] = new JsonArray("LlavaLlamaForCausalLM"),
            ["model_type"] = "llava",
            ["hidden_size"] = 64, ["intermediate_size"] = 128, ["num_hidden_layers"] = 4, ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 2, ["vocab_size"] = 512, ["rms_norm_eps"] = 1e-5,
            ["mm_vision_tower"] = "openai/clip-vit-large-patch14-336", ["mm_hidden_size"] = 32,
            ["mm_projector_type"] = "mlp2x_gelu", ["mm_vision_select_layer"] = -2, ["mm_vision_select_feature"] = "patch",
            ["image_aspect_ratio"] = "pad",
        };
        File.WriteAllText(copy.File("config.json"), original.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(copy.Path, NeverAllocated, ScalarType.Float16).Dispose());
        Assert.Contains(copy.File("config.json"), e.Message);
        Assert.Contains("original liuhaotian/LLaVA layout", e.Message);
        Assert.Contains("convert_llava_weights_to_hf --text_model_id lmsys/vicuna-7b-v1.5 --vision_model_id openai/clip-vit-large-patch14-336", e.Message);
    }

    [Fact]
    public void OriginalLayoutWeightsUnderALlavaHfConfig_AreRefusedNamingTheFileAKeyAndTheConversion()
    {
        using var copy = new FixtureCopy();
        ConvertWeightsToOriginalLayout(copy);
        var e = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(copy.Path, NeverAllocated, ScalarType.Float16).Dispose());
        Assert.Contains(copy.File("model.safetensors"), e.Message);
        Assert.Contains("original LLaVA (liuhaotian) weights", e.Message);
        Assert.Contains("convert_llava_weights_to_hf", e.Message);
        Assert.IsType<CheckpointMismatchException>(e.InnerException);
    }

    /// <summary>
    /// The fixture's language model and projector under the original keys in one file (the CLIP tower lives in a
    /// separate folder in that layout, so it is left out), as <c>liuhaotian/llava-v1.5-7b</c> stores them.
    /// </summary>
    private static void ConvertWeightsToOriginalLayout(FixtureCopy copy)
    {
        static string? Original(string key) => key switch
        {
            _ when key.StartsWith("language_model.model.", StringComparison.Ordinal) => "model." + key["language_model.model.".Length..],
            "language_model.lm_head.weight" => "lm_head.weight",
            _ when key.StartsWith("multi_modal_projector.linear_1.", StringComparison.Ordinal) => "model.mm_projector.0." + key.Split('.')[^1],
            _ when key.StartsWith("multi_modal_projector.linear_2.", StringComparison.Ordinal) => "model.mm_projector.2." + key.Split('.')[^1],
            _ => null,
        };
        var renamed = new List<KeyValuePair<string, Tensor>>();
        using (var checkpoint = SafetensorsCheckpoint.Open(copy.Path))
        {
            foreach (var key in checkpoint.Keys)
                if (Original(key) is { } name) renamed.Add(new(name, checkpoint.ReadTensor(key)));
        }
        foreach (var file in new[] { FixtureCopy.Index, FixtureCopy.Shard1, FixtureCopy.Shard2 }) File.Delete(copy.File(file));
        SafetensorsWriter.Write(copy.File("model.safetensors"), renamed.OrderBy(kv => kv.Key, StringComparer.Ordinal), new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (_, t) in renamed) t.Dispose();
    }
}
