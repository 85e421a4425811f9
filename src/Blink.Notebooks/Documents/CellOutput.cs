namespace Blink.Notebooks.Documents;

/// <summary>A cell output in the nbformat shapes VS Code and the .NET Interactive documents writer produce.</summary>
public abstract record CellOutput;

/// <summary><c>output_type: "stream"</c>; <see cref="Name"/> is "stdout" or "stderr".</summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>
/// <c>output_type: "display_data"</c> (or "execute_result" when read from a Jupyter-written file). <see cref="Data"/>
/// maps a MIME type to its text: text formats as text, <c>image/png</c> as base64, JSON formats as JSON text.
/// </summary>
public sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data) : CellOutput
{
    /// <summary>Raw output metadata as JSON text ("{}" when none).</summary>
    public string MetadataJson { get; init; } = "{}";

    /// <summary>Set for execute_result outputs read from Jupyter-written files; VS Code writes display_data.</summary>
    public int? ExecuteResultCount { get; init; }

    public string? Get(string mimeType) => Data.TryGetValue(mimeType, out var value) ? value : null;
}

/// <summary><c>output_type: "error"</c>.</summary>
public sealed record ErrorOutput(string Name, string Value, IReadOnlyList<string> Traceback) : CellOutput;
