using Plotly.NET;

namespace Blink.Notebooks;

/// <summary>How <see cref="NotebookRunner"/> runs a notebook.</summary>
public sealed class NotebookRunOptions
{
    /// <summary>
    /// Overrides for the notebook's parameters cell (the cell tagged "parameters", papermill convention): name → C#
    /// expression. They are injected as assignments (<c>name = expression;</c>) in a new cell tagged
    /// "injected-parameters" right after that cell — e.g. { ["epochs"] = "1" } for a quick test run.
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Keep running after a failed cell (VS Code "Run All" behaviour); by default the run stops at the first failure.</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>Longest a single cell may run. A timed-out cell ends the run (its session state is unknown).</summary>
    public TimeSpan CellTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Folder for the executed copy (<c>&lt;name&gt;.ipynb</c>) and, with <see cref="WriteHtml"/>, the offline page
    /// (<c>&lt;name&gt;.html</c>). Null: nothing is written; the executed notebook is still in the result.
    /// Must not be the notebook's own folder (the source notebook is never modified).
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Also write the self-contained HTML page when <see cref="OutputDirectory"/> is set.</summary>
    public bool WriteHtml { get; init; } = true;

    /// <summary>Optional PNG rendering of charts, stored next to their text/html (GitHub's viewer shows PNGs, not scripts).</summary>
    public Func<GenericChart, byte[]?>? ChartPngRenderer { get; init; }
}
