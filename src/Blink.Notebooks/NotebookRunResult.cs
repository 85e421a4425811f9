using Blink.Notebooks.Documents;

namespace Blink.Notebooks;

/// <summary>The outcome of one notebook run.</summary>
public sealed class NotebookRunResult
{
    public required string NotebookPath { get; init; }

    /// <summary>The executed copy: outputs and execution counts in the shape VS Code saves.</summary>
    public required NotebookDocument ExecutedNotebook { get; init; }

    public required IReadOnlyList<CellRunResult> Cells { get; init; }
    public required IReadOnlyList<CellFailure> Failures { get; init; }

    /// <summary>Things that did not fail the run but differ from the kernel (ignored #i feeds, a substituted #r build).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    public required TimeSpan Elapsed { get; init; }
    public string? ExecutedNotebookPath { get; init; }
    public string? HtmlPath { get; init; }

    public bool Succeeded => Failures.Count == 0;
    public CellFailure? FirstFailure => Failures.Count > 0 ? Failures[0] : null;

    /// <summary>0 when every cell succeeded, 2 otherwise (what dotnet-repl returns for a failed notebook).</summary>
    public int ExitCode => Succeeded ? 0 : 2;
}
