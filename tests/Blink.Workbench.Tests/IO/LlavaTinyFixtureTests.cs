using System.Text.Json;
using Blink.Workbench.IO;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.IO;

/// <summary>The committed llava-hf-layout fixture loads through the sharded reader with every key the config implies.</summary>
public sealed class LlavaTinyFixtureTests
{
    /// <summary>llava-hf on-disk keys and shapes, derived here from config.json alone.</summary>
    private static Dictionary<string, long[]> ExpectedKeys(JsonElement config)
    {
        var text = config.GetProperty("text_config");
        var vision = config.GetProperty("vision_config");
        long th = text.GetProperty("hidden_size").GetInt64(), ti = text.GetProperty("intermediate_size").GetInt64();
        long heads = text.GetProperty("num_attention_heads").GetInt64(), kvHeads = text.GetProperty("num_key_value_heads").GetInt64();
        long vocab = text.GetProperty("vocab_size").GetInt64(), kv = th / heads * kvHeads;
        long vh = vision.GetProperty("hidden_size").GetInt64(), vi = vision.GetProperty("intermediate_size").GetInt64();
        long patch = vision.GetProperty("patch_size").GetInt64(), grid = vision.GetProperty("image_size").GetInt64() / patch;
        var keys = new Dictionary<string, long[]>(StringComparer.Ordinal);
        const string vp = "vision_tower.vision_model.";
        keys[vp + "embeddings.class_embedding"] = [vh];
        keys[vp + "embeddings.patch_embedding.weight"] = [vh, 3, patch, patch];
        keys[vp + "embeddings.position_embedding.weight"] = [grid * grid + 1, vh];
        foreach (var norm in new[] { "pre_layrnorm", "post_layernorm" })
        {
            keys[$"{vp}{norm}.weight"] = [vh];
            keys[$"{vp}{norm}.bias"] = [vh];
        }
        for (var i = 0; i < vision.GetProperty("num_hidden_layers").GetInt32(); i++)
        {
            var lp = $"{vp}encoder.layers.{i}.";
            foreach (var proj in new[] { "q_proj", "k_proj", "v_proj", "out_proj" })
            {
                keys[$"{lp}self_attn.{proj}.weight"] = [vh, vh];
                keys[$"{lp}self_attn.{proj}.bias"] = [vh];
            }
            foreach (var norm in new[] { "layer_norm1", "layer_norm2" })
            {
                keys[$"{lp}{norm}.weight"] = [vh];
                keys[$"{lp}{norm}.bias"] = [vh];
            }
            keys[lp + "mlp.fc1.weight"] = [vi, vh];
            keys[lp + "mlp.fc1.bias"] = [vi];
            keys[lp + "mlp.fc2.weight"] = [vh, vi];
            keys[lp + "mlp.fc2.bias"] = [vh];
        }
        keys["multi_modal_projector.linear_1.weight"] = [th, vh];
        keys["multi_modal_projector.linear_1.bias"] = [th];
        keys["multi_modal_projector.linear_2.weight"] = [th, th];
        keys["multi_modal_projector.linear_2.bias"] = [th];
        const string lm = "language_model.model.";
        keys[lm + "embed_tokens.weight"] = [vocab, th];
        keys[lm + "norm.weight"] = [th];
        keys["language_model.lm_head.weight"] = [vocab, th];
        for (var i = 0; i < text.GetProperty("num_hidden_layers").GetInt32(); i++)
        {
            var lp = $"{lm}layers.{i}.";
            keys[lp + "self_attn.q_proj.weight"] = [th, th];
            keys[lp + "self_attn.k_proj.weight"] = [kv, th];
            keys[lp + "self_attn.v_proj.weight"] = [kv, th];
            keys[lp + "self_attn.o_proj.weight"] = [th, th];
            keys[lp + "mlp.gate_proj.weight"] = [ti, th];
            keys[lp + "mlp.up_proj.weight"] = [ti, th];
            keys[lp + "mlp.down_proj.weight"] = [th, ti];
            keys[lp + "input_layernorm.weight"] = [th];
            keys[lp + "post_attention_layernorm.weight"] = [th];
        }
        return keys;
    }

    [Fact]
    public void FixtureLoadsThroughTheShardedReaderWithEveryKeyTheConfigImplies()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.LlavaTinyHf, "config.json")));
        var expected = ExpectedKeys(config.RootElement);

        using var checkpoint = SafetensorsCheckpoint.Open(FixturePaths.LlavaTinyHf);

        Assert.Equal(new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" },
            checkpoint.Files.Select(f => Path.GetFileName(f.FilePath)).ToArray());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), checkpoint.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expected)
        {
            Assert.True(shape.SequenceEqual(checkpoint.GetEntry(key).Shape), $"{key}: expected [{string.Join(", ", shape)}], found {checkpoint.GetEntry(key).ShapeText}");
        }
        // GQA is exercised: fewer key/value heads than query heads.
        var text = config.RootElement.GetProperty("text_config");
        Assert.True(text.GetProperty("num_key_value_heads").GetInt32() < text.GetProperty("num_attention_heads").GetInt32());
        // Weights are real numbers at a sane scale (not zeros, not NaN).
        using var q = checkpoint.ReadTensor("language_model.model.layers.0.self_attn.q_proj.weight");
        var std = q.std().item<float>();
        Assert.InRange(std, 0.05f, 1f);
        using var norm = checkpoint.ReadTensor("language_model.model.norm.weight");
        Assert.InRange(norm.mean().item<float>(), 0.8f, 1.2f);
    }

    [Fact]
    public void GoldenFileHasTheDocumentedTensorsAndShapes()
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.LlavaTinyHfGolden, "reference.json")));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.LlavaTinyHf, "config.json")));
        var root = summary.RootElement;
        long length = root.GetProperty("sequence_length").GetInt64();
        var text = config.RootElement.GetProperty("text_config");
        long vocab = text.GetProperty("vocab_size").GetInt64(), hidden = text.GetProperty("hidden_size").GetInt64();
        long layers = text.GetProperty("num_hidden_layers").GetInt64(), heads = text.GetProperty("num_attention_heads").GetInt64();

        using var golden = SafetensorsFile.Open(Path.Combine(FixturePaths.LlavaTinyHfGolden, "reference.safetensors"));

        Assert.Equal(new long[] { 1, length }, golden.GetEntry("input_ids").Shape);
        Assert.Equal(new long[] { length, vocab }, golden.GetEntry("logits").Shape);
        Assert.Equal(new long[] { layers, heads, length }, golden.GetEntry("attentions_last_token").Shape);
        Assert.Equal(new long[] { layers + 1, length, hidden }, golden.GetEntry("residual_stream").Shape);
        Assert.Equal(new long[] { root.GetProperty("image_tokens").GetInt64(), hidden }, golden.GetEntry("image_features").Shape);
        using var ids = golden.ReadTensor("input_ids");
        Assert.Equal(root.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64()), ids.data<long>().ToArray());
        // Each attention row is a probability distribution.
        using var attention = golden.ReadTensor("attentions_last_token");
        using var sums = attention.sum(-1);
        Assert.All(sums.data<float>().ToArray(), s => Assert.InRange(s, 0.9999f, 1.0001f));
    }
}
