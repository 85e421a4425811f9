using System.Text;
using System.Text.Json;

namespace Blink.Workbench.IO;

/// <summary>
/// The parsed and fully validated header of a safetensors file. Validation is strict so that a reader can trust every
/// entry afterwards: no read can run past the file, no two tensors share bytes, and every byte of the data section
/// belongs to exactly one tensor.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>
    /// Largest header accepted. The reference implementation uses the same cap; it keeps a hostile or corrupt length
    /// field from making us allocate gigabytes before we have even looked at the JSON.
    /// </summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SafetensorsHeader(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
        ByName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>Entries in the order of their byte offsets.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, SafetensorsEntry> ByName { get; }

    /// <summary>The free-form string map stored under <c>__metadata__</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Absolute file offset of the first data byte (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Reads and validates the header of an open file of <paramref name="fileLength"/> bytes.</summary>
    public static SafetensorsHeader Read(Stream stream, long fileLength, string file)
    {
        if (fileLength < 8)
        {
            throw new CheckpointFormatException(file, null,
                $"file is truncated: it has {fileLength} bytes, fewer than the 8-byte header length field");
        }
        Span<byte> lengthField = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lengthField);
        var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(lengthField);
        if (headerLength > MaxHeaderBytes)
        {
            throw new CheckpointFormatException(file, null,
                $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit (corrupt or not a safetensors file)");
        }
        if ((long)headerLength > fileLength - 8)
        {
            throw new CheckpointFormatException(file, null,
                $"header length {headerLength} runs past the end of the file ({fileLength - 8} bytes follow the length field)");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var dataStart = 8 + (long)headerLength;
        return Parse(headerBytes, fileLength - dataStart, dataStart, file);
    }

    /// <summary>Validates header JSON bytes against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(byte[] headerBytes, long dataLength, long dataStart, string file)
    {
        string json;
        try
        {
            json = StrictUtf8.GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CheckpointFormatException(file, null, $"header is not valid UTF-8 (bad byte at index {e.Index})", e);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(file, null,
                $"header is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException(file, null,
                    $"header must be a JSON object, found {document.RootElement.ValueKind}");
            }
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new CheckpointFormatException(file, property.Name, "appears twice in the header");
                }
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata, file);
                    continue;
                }
                entries.Add(ReadEntry(property.Name, property.Value, dataLength, file));
            }
            CheckTiling(entries, dataLength, file);
            return new SafetensorsHeader(entries, metadata, dataStart);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(file, "__metadata__", $"must be an object of strings, found {value.ValueKind}");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointFormatException(file, "__metadata__",
                    $"value of '{item.Name}' must be a string, found {item.Value.ValueKind}");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, long dataLength, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(file, name, $"entry must be an object, found {value.ValueKind}");
        }
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new CheckpointFormatException(file, name, "entry has no string 'dtype'");
        }
        var dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw new CheckpointFormatException(file, name,
                $"unknown or unsupported dtype '{dtypeName}' (supported: {string.Join(", ", Enum.GetNames<SafetensorsDType>())})");
        }

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException(file, name, "entry has no 'shape' array");
        }
        var shape = new long[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var size))
            {
                throw new CheckpointFormatException(file, name, $"shape dimension {i} is not an integer: {dim.GetRawText()}");
            }
            if (size < 0)
            {
                throw new CheckpointFormatException(file, name, $"shape dimension {i} is negative ({size})");
            }
            shape[i++] = size;
        }

        if (!value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
        {
            throw new CheckpointFormatException(file, name, "entry has no 'data_offsets' pair [begin, end]");
        }
        var begin = ReadOffset(offsetsElement[0], name, file);
        var end = ReadOffset(offsetsElement[1], name, file);
        if (end < begin)
        {
            throw new CheckpointFormatException(file, name, $"data_offsets [{begin}, {end}] end before they begin");
        }
        if (end > dataLength)
        {
            throw new CheckpointFormatException(file, name,
                $"data_offsets [{begin}, {end}] run past the data section, which has {dataLength} bytes");
        }

        // Checked arithmetic: a shape like [2^40, 2^40] must be reported, not wrap around to a small number.
        long expected;
        try
        {
            expected = dtype.ElementSize();
            foreach (var size in shape)
            {
                expected = checked(expected * size);
            }
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(file, name, $"shape [{string.Join(", ", shape)}] is too large to address");
        }
        if (expected != end - begin)
        {
            throw new CheckpointFormatException(file, name,
                $"shape [{string.Join(", ", shape)}] of {dtypeName} needs {expected} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        }
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long ReadOffset(JsonElement element, string name, string file)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var offset) || offset < 0)
        {
            throw new CheckpointFormatException(file, name, $"data offset {element.GetRawText()} is not a non-negative integer");
        }
        return offset;
    }

    /// <summary>The tensors must tile the data section exactly: no overlaps, no holes, nothing left over.</summary>
    private static void CheckTiling(List<SafetensorsEntry> entries, long dataLength, string file)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        SafetensorsEntry? previous = null;
        foreach (var entry in entries)
        {
            if (entry.Begin < position)
            {
                throw new CheckpointFormatException(file, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            }
            if (entry.Begin > position)
            {
                throw new CheckpointFormatException(file, entry.Name,
                    $"data_offsets [{entry.Begin}, {entry.End}] leave a hole: bytes [{position}, {entry.Begin}) belong to no tensor");
            }
            position = entry.End;
            previous = entry;
        }
        if (position != dataLength)
        {
            throw new CheckpointFormatException(file, null,
                $"tensors cover {position} bytes but the data section has {dataLength} (trailing bytes or truncated file)");
        }
    }
}
