using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// JSON-lines plumbing shared by question and answer files: one object per line, every error names file and line.
/// </summary>
public static class JsonLines
{
    /// <summary>
    /// Serializer options for everything we write: compact, and without escaping <c>&lt;image&gt;</c>, quotes or
    /// non-ASCII text as <c>\u003C</c>…, so files stay readable and diffable (any JSON reader accepts both forms).
    /// </summary>
    public static readonly JsonSerializerOptions WriteOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>Options for human-facing JSON documents (results, predictions).</summary>
    public static readonly JsonSerializerOptions IndentedOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    /// <summary>A key twice in one object is refused while parsing, not later by JsonObject's dictionary (an ArgumentException).</summary>
    private static readonly JsonDocumentOptions StrictDocument = new() { AllowDuplicateProperties = false };

    /// <summary>One parsed line with its 1-based line number.</summary>
    public readonly record struct Line(int LineNumber, JsonObject Object);

    /// <summary>
    /// Reads every non-blank line as a JSON object. Throws <see cref="BenchmarkFormatException"/> naming file and line
    /// for malformed JSON or a line that is not an object.
    /// </summary>
    public static IReadOnlyList<Line> ReadObjects(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        var result = new List<Line>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(raw))
                continue;
            result.Add(new Line(lineNumber, ParseObject(path, lineNumber, raw)));
        }
        return result;
    }

    /// <summary>Parses one line as a JSON object, with file and line in the error.</summary>
    public static JsonObject ParseObject(string path, int lineNumber, string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: StrictDocument);
        }
        catch (JsonException e)
        {
            throw new BenchmarkFormatException(path, lineNumber, $"malformed JSON ({e.Message})", e);
        }
        return node as JsonObject
               ?? throw new BenchmarkFormatException(path, lineNumber,
                   $"expected a JSON object, found {(node is null ? "null" : node.GetValueKind().ToString())}");
    }

    /// <summary>Serializes one object as a single line (no trailing newline).</summary>
    public static string Serialize(JsonObject obj) => obj.ToJsonString(WriteOptions);

    // ---- typed field access with file/line errors -------------------------------------------------------------

    public static string RequireString(JsonObject obj, string key, string path, int line)
    {
        JsonNode? node = Require(obj, key, path, line);
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            return v.GetValue<string>();
        throw WrongType(key, "a string", node, path, line);
    }

    public static string? OptionalString(JsonObject obj, string key, string path, int line)
    {
        if (!obj.TryGetPropertyValue(key, out JsonNode? node) || node is null)
            return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            return v.GetValue<string>();
        throw WrongType(key, "a string", node, path, line);
    }

    public static QuestionId RequireQuestionId(JsonObject obj, string key, string path, int line)
    {
        JsonNode? node = Require(obj, key, path, line);
        return QuestionId.TryFromJson(node) ?? throw WrongType(key, "an integer or a string", node, path, line);
    }

    public static JsonNode Require(JsonObject obj, string key, string path, int line)
    {
        if (!obj.TryGetPropertyValue(key, out JsonNode? node))
            throw new BenchmarkFormatException(path, line, $"missing field \"{key}\"");
        return node ?? throw new BenchmarkFormatException(path, line, $"field \"{key}\" is null");
    }

    public static BenchmarkFormatException WrongType(string key, string expected, JsonNode? found, string path, int line)
    {
        string shown = found is null ? "null" : Truncate(found.ToJsonString(WriteOptions), 60);
        string kind = found is null ? "null" : found.GetValueKind().ToString().ToLowerInvariant();
        return new BenchmarkFormatException(path, line, $"field \"{key}\" must be {expected}, found {kind} {shown}");
    }

    internal static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
