namespace Blink.Notebooks;

/// <summary>How <see cref="NotebookRunner"/> runs a notebook.</summary>
public sealed class NotebookRunOptions
{
    /// <summary>
    /// Overrides for the notebook's parameters cell (the cell tagged "parameters", papermill convention): name → C#
    /// expression. They are injected as assignments (<c>name = expression;</c>) in a new cell tagged
    /// "injected-parameters" right after that cell — e.g. { ["samples"] = "6" } for a quick run. Each name must be
    /// declared in the parameters cell.
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Longest the whole notebook may run; then the kernel is stopped and the run fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Folder for the executed copy (<c>&lt;name&gt;.ipynb</c>) and, with <see cref="WriteHtml"/>, the offline page
    /// (<c>&lt;name&gt;.html</c>). Null: a temporary folder, removed after the run (the executed notebook is still in
    /// the result). Must not be the notebook's own folder: the source notebook and its folder are never written.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Also write the self-contained HTML page.</summary>
    public bool WriteHtml { get; init; } = true;

    /// <summary>The dotnet-repl executable; null: <see cref="KernelTool.Locate"/> finds it.</summary>
    public string? KernelToolPath { get; init; }

    /// <summary>Called with the kernel's process id once it has started (tests watch its sockets).</summary>
    public Action<int>? KernelStarted { get; init; }
}
