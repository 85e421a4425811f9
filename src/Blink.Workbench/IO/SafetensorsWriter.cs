using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>
/// Writes tensors as safetensors files, atomically, and as Hugging Face-style shards with a
/// <c>model.safetensors.index.json</c>. Tensors are written one at a time from contiguous CPU copies, so at most one
/// tensor is duplicated in memory while saving.
/// </summary>
public static class SafetensorsWriter
{
    public const string IndexFileName = "model.safetensors.index.json";
    public const string SingleFileName = "model.safetensors";

    /// <summary>Writes one safetensors file atomically. Tensors are stored in the given order.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in list)
        {
            if (name == "__metadata__" || !names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' is reserved or appears twice.", nameof(tensors));
            }
        }
        var header = BuildHeader(list, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> lengthField = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(lengthField, (ulong)header.Length);
            stream.Write(lengthField);
            stream.Write(header);
            foreach (var (_, tensor) in list)
            {
                WriteData(stream, tensor);
            }
        });
    }

    /// <summary>
    /// Writes tensors into shards of at most <paramref name="maxShardBytes"/> data bytes each (a tensor larger than the
    /// limit gets a shard of its own), named <c>model-00001-of-00003.safetensors</c>, and then the index. With a
    /// single shard it writes <c>model.safetensors</c> and no index, as Hugging Face does. Shards and index of an
    /// earlier save that the new index no longer names are removed afterwards. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteSharded(string folder, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        long maxShardBytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (maxShardBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxShardBytes), maxShardBytes, "must be positive");
        }
        Directory.CreateDirectory(folder);
        var list = tensors.ToList();
        var shards = new List<List<KeyValuePair<string, Tensor>>>();
        long current = 0;
        foreach (var item in list)
        {
            var size = item.Value.NumberOfElements * item.Value.ElementSize;
            if (shards.Count == 0 || (current + size > maxShardBytes && shards[^1].Count > 0))
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(item);
            current += size;
        }
        if (shards.Count == 0)
        {
            shards.Add([]);
        }

        var written = new List<string>();
        if (shards.Count == 1)
        {
            var single = Path.Combine(folder, SingleFileName);
            Write(single, shards[0], metadata);
            written.Add(single);
            RemoveStale(folder, keep: written);
            return written;
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        for (var i = 0; i < shards.Count; i++)
        {
            var name = ShardName(i + 1, shards.Count);
            var path = Path.Combine(folder, name);
            Write(path, shards[i], metadata);
            written.Add(path);
            foreach (var (key, tensor) in shards[i])
            {
                weightMap[key] = name;
                totalSize += tensor.NumberOfElements * tensor.ElementSize;
            }
        }
        // The index goes last: until it is replaced, readers keep seeing the previous, complete checkpoint.
        var index = new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object> { ["total_size"] = totalSize },
            ["weight_map"] = weightMap,
        };
        var indexPath = Path.Combine(folder, IndexFileName);
        AtomicFile.WriteAllText(indexPath, JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        written.Add(indexPath);
        RemoveStale(folder, keep: written);
        return written;
    }

    /// <summary>Hugging Face's shard file name, e.g. <c>model-00001-of-00003.safetensors</c>.</summary>
    public static string ShardName(int index, int count) => $"model-{index:D5}-of-{count:D5}.safetensors";

    private static void RemoveStale(string folder, IReadOnlyCollection<string> keep)
    {
        var keepSet = new HashSet<string>(keep.Select(Path.GetFullPath), StringComparer.Ordinal);
        var candidates = Directory.EnumerateFiles(folder, "model-?????-of-?????.safetensors")
            .Append(Path.Combine(folder, IndexFileName))
            .Append(Path.Combine(folder, SingleFileName));
        foreach (var file in candidates)
        {
            var full = Path.GetFullPath(file);
            if (!keepSet.Contains(full) && File.Exists(full))
            {
                File.Delete(full);
            }
        }
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                var dtype = SafetensorsDTypes.FromScalarType(tensor.dtype);
                var bytes = tensor.NumberOfElements * dtype.ElementSize();
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype.ToString());
                json.WriteStartArray("shape");
                foreach (var dim in tensor.shape)
                {
                    json.WriteNumberValue(dim);
                }
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
        // Pad with spaces to a multiple of 8 like the reference writer, so the data section starts aligned.
        var length = (int)buffer.Length;
        var padded = (length + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        if (tensor.NumberOfElements == 0)
        {
            return;
        }
        // Detached, contiguous CPU copy (no copy when it already is one); the scope releases it right after writing.
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        var flat = cpu.view(-1);
        var elementSize = (int)cpu.ElementSize;
        var perChunk = (1 << 30) / elementSize;
        for (long start = 0; start < flat.NumberOfElements; start += perChunk)
        {
            var count = Math.Min(perChunk, flat.NumberOfElements - start);
            var chunk = flat.narrow(0, start, count);
            stream.Write(chunk.bytes);
        }
    }
}
