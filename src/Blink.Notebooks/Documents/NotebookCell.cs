using System.Text.Json.Nodes;

namespace Blink.Notebooks.Documents;

/// <summary>One cell; <see cref="CellType"/> is the raw nbformat value ("code", "markdown", "raw").</summary>
public sealed class NotebookCell
{
    public NotebookCell(string cellType, string source, JsonObject? metadata = null, string? id = null)
    {
        CellType = cellType;
        Source = source;
        Metadata = metadata ?? new JsonObject();
        Id = id;
    }

    public string CellType { get; }
    public string? Id { get; set; }
    public string Source { get; set; }
    public JsonObject Metadata { get; }
    public int? ExecutionCount { get; set; }
    public List<CellOutput> Outputs { get; } = new();

    /// <summary>Other cell keys (e.g. markdown "attachments"), kept for the round trip.</summary>
    public JsonObject Extra { get; init; } = new();

    public bool IsCode => CellType == "code";
    public bool IsMarkdown => CellType == "markdown";

    /// <summary>The Jupyter/papermill tags in <c>metadata.tags</c>.</summary>
    public IReadOnlyList<string> Tags =>
        Metadata["tags"] is JsonArray tags
            ? tags.Select(t => t?.GetValueKind() == System.Text.Json.JsonValueKind.String ? t.GetValue<string>() : null)
                .OfType<string>().ToList()
            : [];

    public NotebookCell Clone()
    {
        var copy = new NotebookCell(CellType, Source, (JsonObject)Metadata.DeepClone(), Id)
        {
            ExecutionCount = ExecutionCount,
            Extra = (JsonObject)Extra.DeepClone(),
        };
        copy.Outputs.AddRange(Outputs);
        return copy;
    }
}
