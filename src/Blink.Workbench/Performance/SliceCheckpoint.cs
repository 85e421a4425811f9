using System.Text;
using System.Text.Json;
using Blink.Workbench.IO;
using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Performance;

/// <summary>
/// Writes a LLaVA-7B-shaped slice (<see cref="SliceModel"/>'s config with a few layers) as a llava-hf-layout fp16
/// checkpoint — <c>config.json</c> and <c>model.safetensors</c> with random values — for the checkpoint-loading
/// memory measurement. Keys and shapes come from the model built on the meta device, and the data is generated and
/// written one tensor at a time (in chunks), so writing costs no more memory than a chunk.
/// </summary>
public static class SliceCheckpoint
{
    private const long ChunkElements = 1 << 24;

    /// <returns>The file's size in bytes and the largest tensor's size in bytes.</returns>
    public static (long FileBytes, long LargestTensorBytes) Write(string folder, int layers, int seed = 0)
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), $"A slice checkpoint needs at least one layer, got {layers}.");
        Directory.CreateDirectory(folder);
        var config = SliceModel.Config(layers);
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), config.ToJson());
        List<(string Key, long[] Shape)> entries;
        using (var meta = new LlavaForConditionalGeneration(config, torch.META))
            entries = meta.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value.shape)).ToList();

        using var header = new MemoryStream();
        long offset = 0, largest = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            foreach (var (key, shape) in entries)
            {
                var bytes = shape.Aggregate(1L, (a, b) => a * b) * 2;
                largest = Math.Max(largest, bytes);
                json.WriteStartObject(key);
                json.WriteString("dtype", "F16");
                json.WriteStartArray("shape");
                foreach (var d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var length = (int)header.Length;
        var padded = (length + 7) / 8 * 8;
        var path = Path.Combine(folder, SafetensorsWriter.SingleFileName);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)padded));
            stream.Write(header.GetBuffer().AsSpan(0, length));
            for (var i = length; i < padded; i++) stream.WriteByte((byte)' ');
            var generator = new torch.Generator((ulong)seed);
            foreach (var (_, shape) in entries)
            {
                var count = shape.Aggregate(1L, (a, b) => a * b);
                for (long start = 0; start < count; start += ChunkElements)
                {
                    using var scope = NewDisposeScope();
                    var chunk = torch.randn(Math.Min(ChunkElements, count - start), generator: generator).Times(0.02).to(ScalarType.Float16);
                    stream.Write(chunk.bytes);
                }
            }
        });
        return (new FileInfo(path).Length, largest);
    }
}
