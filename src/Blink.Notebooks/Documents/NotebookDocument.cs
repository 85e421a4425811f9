using System.Text.Json.Nodes;

namespace Blink.Notebooks.Documents;

/// <summary>
/// An nbformat-4 notebook in memory. Notebook and cell metadata stay raw JSON so that everything the reader does not
/// interpret (kernelspec, polyglot_notebook, vscode, tags, ...) is written back unchanged.
/// </summary>
public sealed class NotebookDocument
{
    public NotebookDocument(JsonObject metadata, IEnumerable<NotebookCell> cells, int formatMajor = 4, int formatMinor = 5)
    {
        Metadata = metadata;
        Cells = cells.ToList();
        FormatMajor = formatMajor;
        FormatMinor = formatMinor;
    }

    public JsonObject Metadata { get; }
    public List<NotebookCell> Cells { get; }
    public int FormatMajor { get; }
    public int FormatMinor { get; }

    /// <summary>Top-level keys other than cells/metadata/nbformat/nbformat_minor, kept for the round trip.</summary>
    public JsonObject Extra { get; init; } = new();

    /// <summary>nbformat 4.5 and later require a cell id.</summary>
    public bool CellsHaveIds => FormatMajor > 4 || (FormatMajor == 4 && FormatMinor >= 5);

    /// <summary>A deep copy, so an executed copy never shares mutable state with the notebook that was read.</summary>
    public NotebookDocument Clone() =>
        new((JsonObject)Metadata.DeepClone(), Cells.Select(c => c.Clone()), FormatMajor, FormatMinor)
        {
            Extra = (JsonObject)Extra.DeepClone(),
        };
}
