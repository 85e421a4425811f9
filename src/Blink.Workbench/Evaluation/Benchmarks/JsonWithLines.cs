using System.Text.Json;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// Reads whole-file JSON (a top-level array or object) and remembers the line each element starts on, so readers of
/// GQA, ScienceQA and MM-Vet files can name the line of a bad entry.
/// </summary>
internal static class JsonWithLines
{
    public readonly record struct Entry(string? Key, JsonElement Value, int Line);

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Elements of a top-level array.</summary>
    public static IReadOnlyList<Entry> ReadArray(string path) => Read(path, JsonTokenType.StartArray);

    /// <summary>Properties of a top-level object.</summary>
    public static IReadOnlyList<Entry> ReadObject(string path) => Read(path, JsonTokenType.StartObject);

    private static IReadOnlyList<Entry> Read(string path, JsonTokenType expected)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            span = span[3..];

        // System.Text.Json checks UTF-8 inside strings only when a value is read, far from the file; check it here.
        try
        {
            _ = StrictUtf8.GetCharCount(span);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new BenchmarkFormatException(path, LineIndex(span)(e.Index), $"the file is not valid UTF-8 (bad byte at offset {e.Index})", e);
        }

        var starts = new List<(string? Key, long Offset)>();
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != expected)
                throw new BenchmarkFormatException(path, 1,
                    $"expected a top-level JSON {(expected == JsonTokenType.StartArray ? "array" : "object")}");
            while (reader.Read() && reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
            {
                string? key = null;
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    key = reader.GetString();
                    reader.Read();
                }
                starts.Add((key, reader.TokenStartIndex));
                reader.Skip();
            }
            document = JsonDocument.Parse(span.ToArray());
        }
        catch (JsonException e)
        {
            throw new BenchmarkFormatException(path, (int)(e.LineNumber ?? 0) + 1, $"malformed JSON ({e.Message})", e);
        }

        using (document)
        {
            var values = expected == JsonTokenType.StartArray
                ? document.RootElement.EnumerateArray().Select(v => v.Clone()).ToList()
                : document.RootElement.EnumerateObject().Select(p => p.Value.Clone()).ToList();
            var lineOf = LineIndex(span);
            return starts.Select((s, i) => new Entry(s.Key, values[i], lineOf(s.Offset))).ToList();
        }
    }

    private static Func<long, int> LineIndex(ReadOnlySpan<byte> span)
    {
        var newlines = new List<long>();
        for (int i = 0; i < span.Length; i++)
            if (span[i] == (byte)'\n')
                newlines.Add(i);
        return offset =>
        {
            int index = newlines.BinarySearch(offset);
            return (index < 0 ? ~index : index) + 1;
        };
    }

    // ---- typed access with file/line errors ----------------------------------------------------------------------

    public static string RequireString(JsonElement obj, string key, string path, int line, string? context = null)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw new BenchmarkFormatException(path, line, $"{context}expected an object, found {obj.ValueKind}");
        if (!obj.TryGetProperty(key, out JsonElement v))
            throw new BenchmarkFormatException(path, line, $"{context}missing field \"{key}\"");
        if (v.ValueKind != JsonValueKind.String)
            throw new BenchmarkFormatException(path, line,
                $"{context}field \"{key}\" must be a string, found {v.ValueKind.ToString().ToLowerInvariant()} {JsonLines.Truncate(v.GetRawText(), 60)}");
        return v.GetString()!;
    }

    public static string? OptionalString(JsonElement obj, string key)
    {
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(key, out JsonElement v) &&
               v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
    }
}
