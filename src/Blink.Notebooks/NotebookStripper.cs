using Blink.Notebooks.Documents;

namespace Blink.Notebooks;

/// <summary>
/// Committed notebooks are kept without outputs (like TorchSharpExamples, and what nbstripout does): outputs
/// cleared, execution counts null; cell ids and all metadata kept so VS Code sees the same notebook.
/// </summary>
public static class NotebookStripper
{
    /// <summary>Strips the notebook file in place. Returns false (and leaves the file untouched) when it was already stripped.</summary>
    public static bool Strip(string notebookPath)
    {
        var notebook = NotebookFile.Read(notebookPath);
        if (IsStripped(notebook)) return false;
        NotebookFile.Write(Strip(notebook), notebookPath);
        return true;
    }

    /// <summary>A stripped copy of <paramref name="notebook"/>; the argument is not modified.</summary>
    public static NotebookDocument Strip(NotebookDocument notebook)
    {
        var copy = notebook.Clone();
        foreach (var cell in copy.Cells.Where(c => c.IsCode))
        {
            cell.Outputs.Clear();
            cell.ExecutionCount = null;
        }
        return copy;
    }

    public static bool IsStripped(string notebookPath) => IsStripped(NotebookFile.Read(notebookPath));

    public static bool IsStripped(NotebookDocument notebook) =>
        notebook.Cells.Where(c => c.IsCode).All(c => c.Outputs.Count == 0 && c.ExecutionCount is null);
}
