using Blink.Notebooks;
using Blink.Notebooks.Documents;

namespace Blink.Workbench.Tests.Notebooks;

internal static class NotebookAssert
{
    public static NotebookCell Cell(NotebookRunResult result, int index) => result.ExecutedNotebook.Cells[index];

    public static IReadOnlyList<DisplayOutput> Displays(NotebookRunResult result, int index) =>
        Cell(result, index).Outputs.OfType<DisplayOutput>().ToList();

    public static string Stream(NotebookRunResult result, int index, string name) =>
        string.Concat(Cell(result, index).Outputs.OfType<StreamOutput>().Where(s => s.Name == name).Select(s => s.Text));

    public static void Succeeded(NotebookRunResult result) =>
        Assert.True(result.Succeeded, "Expected success but: " + string.Join("; ", result.Failures.Select(f => f.ToString())));
}
