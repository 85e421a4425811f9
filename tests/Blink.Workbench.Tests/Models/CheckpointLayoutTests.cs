using Blink.Workbench.IO;
using Blink.Workbench.Models;
using TorchSharp;

namespace Blink.Workbench.Tests.Models;

[Collection("Torch")]
public class CheckpointLayoutTests
{
    [Fact]
    public void SevenBillionModel_BuiltOnMeta_HasExactlyTheLlavaHfKeysAndShapes()
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Models", "Expected", "llava-1.5-7b-hf.keys.txt"))
            .Where(l => !l.StartsWith('#') && l.Length > 0).ToArray();

        torch.set_default_device(torch.META);
        LlavaForConditionalGeneration model;
        try { model = new LlavaForConditionalGeneration(LlavaConfig.Llava15_7B()); }
        finally { torch.set_default_device(torch.CPU); }
        using (model)
        {
            var actual = model.state_dict()
                .Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]")
                .Order(StringComparer.Ordinal).ToArray();
            Assert.All(model.state_dict().Values, t => Assert.Equal(DeviceType.META, t.device_type));
            var missing = expected.Except(actual).ToArray();
            var unexpected = actual.Except(expected).ToArray();
            Assert.True(missing.Length == 0 && unexpected.Length == 0,
                $"missing: {string.Join("; ", missing.Take(10))}\nunexpected: {string.Join("; ", unexpected.Take(10))}");
            Assert.Equal(expected.Length, actual.Length);
        }
    }

    [Fact]
    public void LlavaHfConfigJson_ReadsNestedConfigsWithHfDefaults()
    {
        const string json = """
        {"architectures":["LlavaForConditionalGeneration"],"ignore_index":-100,"image_token_index":32000,
         "model_type":"llava","pad_token_id":32001,"projector_hidden_act":"gelu",
         "text_config":{"_name_or_path":"lmsys/vicuna-7b-v1.5","architectures":["LlamaForCausalLM"],
           "max_position_embeddings":4096,"model_type":"llama","rms_norm_eps":1e-05,"torch_dtype":"float16","vocab_size":32064},
         "tie_word_embeddings":false,"torch_dtype":"float16","vision_config":{"hidden_size":1024,"image_size":336,
           "intermediate_size":4096,"model_type":"clip_vision_model","num_attention_heads":16,"num_hidden_layers":24,
           "patch_size":14,"projection_dim":768,"vocab_size":32000},
         "vision_feature_layer":-2,"vision_feature_select_strategy":"default","vocab_size":32064}
        """;
        var c = LlavaConfig.Parse(json);
        Assert.Equal(4096, c.TextConfig.HiddenSize);
        Assert.Equal(32, c.TextConfig.NumHiddenLayers);
        Assert.Equal(32, c.TextConfig.KeyValueHeads);
        Assert.Equal(11008, c.TextConfig.IntermediateSize);
        Assert.Equal(24, c.VisionConfig.GridSize);
        Assert.Equal(576, c.ImageTokenCount);
        Assert.Equal(23, c.VisionHiddenStateIndex);
        Assert.Equal("quick_gelu", c.VisionConfig.HiddenAct);
    }

    [Theory]
    [InlineData("""{"text_config":{"hidden_size":100,"num_attention_heads":3}}""", "hidden_size 100 is not divisible by num_attention_heads 3")]
    [InlineData("""{"vision_config":{"image_size":300,"patch_size":14}}""", "vision_config.image_size 300 is not a multiple of patch_size 14")]
    [InlineData("""{"text_config":{"num_attention_heads":32,"num_key_value_heads":5}}""", "not a multiple of num_key_value_heads 5")]
    [InlineData("""{"vision_feature_layer":-30}""", "vision_feature_layer -30")]
    [InlineData("""{"image_token_index":99999}""", "image_token_index 99999 is outside the vocabulary")]
    [InlineData("""{"text_config": [1,2]}""", "malformed JSON")]
    [InlineData("""{"mm_projector_type":"mlp2x_gelu"}""", "original liuhaotian/LLaVA layout")]
    public void BadConfig_NamesTheKey(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => LlavaConfig.Parse(json, "/models/x/config.json"));
        Assert.Contains(message, e.Message);
        Assert.Contains("/models/x/config.json", e.Message);
    }

    [Fact]
    public void A_config_without_text_config_is_named_when_the_weights_do_not_fit()
    {
        var folder = Path.Combine(Path.GetTempPath(), "blink-config-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Blink.Workbench.Tests.IO.FixturePaths.LlavaTinyHf))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        config.Remove("text_config");
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());

        var e = Assert.Throws<CheckpointMismatchException>(() => ModelBundle.Load(folder));
        Assert.Contains(Path.Combine(folder, "config.json") + " has no text_config", e.Message);
        Assert.Contains("more", e.Message);
        Assert.True(e.Message.Split('\n').Length <= 4 * (CheckpointMismatchException.ListedPerKind + 2) + 2, $"{e.Message.Split('\n').Length} lines");
        Directory.Delete(folder, recursive: true);
    }
}
