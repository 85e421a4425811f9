using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blink.Notebooks.Documents;

/// <summary>
/// Reads and writes <c>.ipynb</c> files. Reading accepts the Jupyter, VS Code and .NET Interactive documents-writer
/// variants (string or array sources, nbformat 4.x, with or without cell ids). Writing produces what VS Code's ipynb
/// serializer writes: keys sorted recursively, one-space indentation, relaxed escaping, multi-line strings as line
/// arrays and a trailing newline, so that re-saving the file in VS Code yields no diff.
/// </summary>
public static class NotebookFile
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static NotebookDocument Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Notebook '{path}' does not exist.", path);
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (NotebookFormatException e)
        {
            throw new NotebookFormatException($"{path}: {e.Message}", e);
        }
    }

    public static NotebookDocument Parse(string json)
    {
        JsonObject root;
        try
        {
            // A key twice would otherwise surface later as JsonObject's ArgumentException.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject ?? throw new NotebookFormatException("The notebook is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"The notebook is not valid JSON: {e.Message}", e);
        }

        var major = ReadInt(root["nbformat"]) ?? throw new NotebookFormatException("The notebook has no 'nbformat' number.");
        if (major != 4) throw new NotebookFormatException($"Only nbformat 4 notebooks are supported (this one is nbformat {major}).");
        var minor = ReadInt(root["nbformat_minor"]) ?? 0;
        var metadata = root["metadata"] as JsonObject ?? new JsonObject();
        if (root["cells"] is not JsonArray cells) throw new NotebookFormatException("The notebook has no 'cells' array.");

        var extra = new JsonObject();
        foreach (var (key, value) in root)
            if (key is not ("cells" or "metadata" or "nbformat" or "nbformat_minor"))
                extra[key] = value?.DeepClone();

        return new NotebookDocument((JsonObject)metadata.DeepClone(), cells.Select((c, i) => ReadCell(c, i)), major, minor)
        {
            Extra = extra,
        };
    }

    public static void Write(NotebookDocument notebook, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        File.WriteAllText(path, Serialize(notebook), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    public static string Serialize(NotebookDocument notebook)
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(notebook.Cells.Select(c => (JsonNode)WriteCell(c, notebook.CellsHaveIds)).ToArray()),
            ["metadata"] = notebook.Metadata.DeepClone(),
            ["nbformat"] = notebook.FormatMajor,
            ["nbformat_minor"] = notebook.FormatMinor,
        };
        foreach (var (key, value) in notebook.Extra) root[key] = value?.DeepClone();
        return SortKeys(root)!.ToJsonString(WriteOptions) + "\n";
    }

    private static NotebookCell ReadCell(JsonNode? node, int index)
    {
        if (node is not JsonObject cell) throw new NotebookFormatException($"Cell {index + 1} is not a JSON object.");
        var type = OptionalString(cell["cell_type"], $"Cell {index + 1} 'cell_type'")
                   ?? throw new NotebookFormatException($"Cell {index + 1} has no 'cell_type'.");
        var source = JupyterText.Join(cell["source"], $"Cell {index + 1} 'source'");
        var id = cell["id"] is JsonValue idValue && idValue.GetValueKind() == JsonValueKind.String ? idValue.GetValue<string>() : null;
        var extra = new JsonObject();
        foreach (var (key, value) in cell)
            if (key is not ("cell_type" or "execution_count" or "id" or "metadata" or "outputs" or "source"))
                extra[key] = value?.DeepClone();

        var result = new NotebookCell(type, source, (cell["metadata"] as JsonObject)?.DeepClone() as JsonObject, id)
        {
            ExecutionCount = ReadInt(cell["execution_count"]),
            Extra = extra,
        };
        if (cell["outputs"] is JsonArray outputs)
            result.Outputs.AddRange(outputs.Select((o, j) => ReadOutput(o, index, j)));
        return result;
    }

    private static CellOutput ReadOutput(JsonNode? node, int cellIndex, int outputIndex)
    {
        var where = $"Cell {cellIndex + 1} output {outputIndex + 1}";
        if (node is not JsonObject output) throw new NotebookFormatException($"{where} is not a JSON object.");
        var type = OptionalString(output["output_type"], $"{where} 'output_type'") ?? throw new NotebookFormatException($"{where} has no 'output_type'.");
        switch (type)
        {
            case "stream":
                return new StreamOutput(OptionalString(output["name"], $"{where} 'name'") ?? "stdout", JupyterText.Join(output["text"], $"{where} 'text'"));
            case "display_data":
            case "execute_result":
                var data = new Dictionary<string, string>();
                if (output["data"] is JsonObject bundle)
                    foreach (var (mime, value) in bundle)
                        data[mime] = value is JsonObject or JsonArray && IsJsonMime(mime)
                            ? value.ToJsonString()
                            : JupyterText.Join(value, $"{where} '{mime}'");
                return new DisplayOutput(data)
                {
                    MetadataJson = output["metadata"]?.ToJsonString() ?? "{}",
                    ExecuteResultCount = type == "execute_result" ? ReadInt(output["execution_count"]) ?? 0 : null,
                };
            case "error":
                var traceback = output["traceback"] is JsonArray lines
                    ? lines.Select(l => OptionalString(l, "a traceback line") ?? "").ToList()
                    : new List<string>();
                return new ErrorOutput(OptionalString(output["ename"], $"{where} 'ename'") ?? "Error", OptionalString(output["evalue"], $"{where} 'evalue'") ?? "", traceback);
            default:
                throw new NotebookFormatException($"{where} has an unknown output_type '{type}'.");
        }
    }

    private static JsonObject WriteCell(NotebookCell cell, bool withId)
    {
        var json = new JsonObject { ["cell_type"] = cell.CellType };
        if (cell.IsCode)
        {
            json["execution_count"] = cell.ExecutionCount;
            json["outputs"] = new JsonArray(cell.Outputs.Select(o => (JsonNode)WriteOutput(o)).ToArray());
        }
        if (withId || cell.Id is not null) json["id"] = cell.Id ?? NewCellId();
        json["metadata"] = cell.Metadata.DeepClone();
        json["source"] = JupyterText.Split(cell.Source);
        foreach (var (key, value) in cell.Extra) json[key] = value?.DeepClone();
        return json;
    }

    private static JsonObject WriteOutput(CellOutput output) => output switch
    {
        StreamOutput s => new JsonObject { ["name"] = s.Name, ["output_type"] = "stream", ["text"] = JupyterText.Split(s.Text) },
        ErrorOutput e => new JsonObject
        {
            ["ename"] = e.Name,
            ["evalue"] = e.Value,
            ["output_type"] = "error",
            ["traceback"] = new JsonArray(e.Traceback.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
        },
        DisplayOutput d => WriteDisplay(d),
        _ => throw new ArgumentOutOfRangeException(nameof(output), output.GetType().Name, "Unknown output kind."),
    };

    private static JsonObject WriteDisplay(DisplayOutput display)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in display.Data)
            data[mime] = IsJsonMime(mime) ? JsonNode.Parse(value)
                : mime.StartsWith("image/", StringComparison.Ordinal) && mime != "image/svg+xml" ? JsonValue.Create(value)
                : JupyterText.Split(value);
        var json = new JsonObject
        {
            ["data"] = data,
            ["metadata"] = JsonNode.Parse(display.MetadataJson) ?? new JsonObject(),
            ["output_type"] = display.ExecuteResultCount is null ? "display_data" : "execute_result",
        };
        if (display.ExecuteResultCount is { } count) json["execution_count"] = count;
        return json;
    }

    internal static string NewCellId() => Guid.NewGuid().ToString("N")[..8];

    private static bool IsJsonMime(string mime) => mime == "application/json" || mime.EndsWith("+json", StringComparison.Ordinal);

    private static int? ReadInt(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int number) ? number : null;

    /// <summary>A string field, null when absent; another JSON type is named instead of GetValue's InvalidOperationException.</summary>
    private static string? OptionalString(JsonNode? node, string what) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue(out string? text) => text,
        _ => throw new NotebookFormatException($"{what} must be a string, found {node.GetValueKind().ToString().ToLowerInvariant()}."),
    };

    /// <summary>VS Code (and nbformat's own writer) sort object keys recursively; doing the same keeps diffs empty.</summary>
    private static JsonNode? SortKeys(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, SortKeys(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(item => SortKeys(item?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };
}
