using Blink.Notebooks;
using Blink.Notebooks.Documents;

namespace Blink.Workbench.Tests.Notebooks;

internal static class NotebookAssert
{
    public static NotebookCell Cell(NotebookRunResult result, int index) =>
        (result.ExecutedNotebook ?? throw new InvalidOperationException("The run has no executed notebook.")).Cells[index];

    public static IReadOnlyList<DisplayOutput> Displays(NotebookRunResult result, int index) =>
        Cell(result, index).Outputs.OfType<DisplayOutput>().ToList();

    /// <summary>All text/html of a cell's outputs, concatenated.</summary>
    public static string Html(NotebookCell cell) =>
        string.Concat(cell.Outputs.OfType<DisplayOutput>().Select(d => d.Get("text/html") ?? ""));

    public static void Succeeded(NotebookRunResult result) =>
        Assert.True(result.Succeeded, "Expected success but: " + string.Join("; ", result.Failures.Select(f => f.ToString()))
            + (result.Succeeded ? "" : "\nkernel output: " + result.KernelLog[^Math.Min(2000, result.KernelLog.Length)..]));
}
