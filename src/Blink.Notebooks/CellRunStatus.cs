namespace Blink.Notebooks;

public enum CellRunStatus
{
    /// <summary>Markdown or raw cell: nothing to run.</summary>
    NotCode,
    Succeeded,
    Failed,
    /// <summary>Not run because an earlier cell failed (and <see cref="NotebookRunOptions.ContinueOnError"/> is off).</summary>
    Skipped,
}
