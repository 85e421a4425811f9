using System.Text;
using System.Text.Json.Nodes;
using Blink.Workbench.Models;
using TorchSharp;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// Writes a llava-hf-layout checkpoint for any config without allocating its tensors: the keys and shapes come from
/// the model built on the meta device, the data section is a sparse run of zero bytes. Large checkpoints therefore
/// cost neither memory nor disk to write, which is what a loader memory test needs.
/// </summary>
internal static class SyntheticCheckpoint
{
    /// <returns>Total element count and the largest tensor's element count.</returns>
    public static (long Elements, long LargestElements) Write(string folder, LlavaConfig config, string safetensorsDType = "F16", int elementSize = 2)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJson());
        using var model = new LlavaForConditionalGeneration(config, torch.META);
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0, largest = 0;
        foreach (var (key, tensor) in model.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var count = tensor.shape.Aggregate(1L, (a, b) => a * b);
            largest = Math.Max(largest, count);
            header[key] = new JsonObject
            {
                ["dtype"] = safetensorsDType,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + count * elementSize),
            };
            offset += count * elementSize;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        using var file = File.Create(Path.Combine(folder, "model.safetensors"));
        file.Write(BitConverter.GetBytes((ulong)padded));
        file.Write(json);
        for (var i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
        file.SetLength(8 + padded + offset);
        return (offset / elementSize, largest);
    }

    /// <summary>A LLaMA-shaped config of a few hundred MB: 7B's vocabulary and a 1024-wide, 6-layer decoder.</summary>
    public static LlavaConfig MidSized() => new()
    {
        ImageTokenIndex = 32000,
        TextConfig = new LlamaTextConfig { VocabSize = 32064, HiddenSize = 1024, IntermediateSize = 2816, NumHiddenLayers = 6, NumAttentionHeads = 16 },
        VisionConfig = new ClipVisionConfig { HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, ImageSize = 56, PatchSize = 14 },
    };
}
