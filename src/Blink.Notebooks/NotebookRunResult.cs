using Blink.Notebooks.Documents;

namespace Blink.Notebooks;

/// <summary>The outcome of one notebook run.</summary>
public sealed class NotebookRunResult
{
    public required string NotebookPath { get; init; }

    /// <summary>The executed copy: the source's cells (ids, tags, metadata) with the kernel's outputs; null when the
    /// notebook could not be read or the kernel wrote nothing.</summary>
    public NotebookDocument? ExecutedNotebook { get; init; }

    public IReadOnlyList<CellRunResult> Cells { get; init; } = [];

    /// <summary>At most one: the first cause (a later cell's error after a failed cell is a consequence).</summary>
    public required IReadOnlyList<CellFailure> Failures { get; init; }

    public required TimeSpan Elapsed { get; init; }
    public string? ExecutedNotebookPath { get; init; }
    public string? HtmlPath { get; init; }

    /// <summary>The kernel driver's console output (last 8,000 characters), for a look when something failed.</summary>
    public string KernelLog { get; init; } = "";

    public bool Succeeded => Failures.Count == 0;
    public CellFailure? FirstFailure => Failures.Count > 0 ? Failures[0] : null;

    /// <summary>0 when every cell succeeded, 2 otherwise (what dotnet-repl returns for a failed notebook).</summary>
    public int ExitCode => Succeeded ? 0 : 2;
}
