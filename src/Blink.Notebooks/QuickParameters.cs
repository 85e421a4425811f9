using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Blink.Notebooks.Documents;

namespace Blink.Notebooks;

/// <summary>
/// Papermill's convention for overriding a notebook's sizes: the overrides go into a new cell right after the cell
/// tagged "parameters", so the notebook's defaults stay visible and the executed copy shows what was overridden.
/// (papermill itself would need Jupyter; the kernel here is driven by dotnet-repl.)
/// </summary>
public static partial class QuickParameters
{
    public const string ParametersTag = "parameters";
    public const string InjectedParametersTag = "injected-parameters";

    /// <summary>Inserts the overrides; returns the problem (naming cell and key) instead when they cannot be applied.</summary>
    public static string? Inject(NotebookDocument notebook, IReadOnlyDictionary<string, string> parameters, out int cellIndex)
    {
        cellIndex = -1;
        if (parameters.Count == 0) return null;
        var index = notebook.Cells.FindIndex(c => c.IsCode && c.Tags.Contains(ParametersTag));
        if (index < 0)
            return $"parameters were given ({string.Join(", ", parameters.Keys)}) but no code cell is tagged '{ParametersTag}'.";
        cellIndex = index;
        var cell = notebook.Cells[index];
        var declared = Declaration().Matches(cell.Source).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (!Identifier().IsMatch(name)) return $"parameter name '{name}' is not a C# identifier.";
            if (!declared.Contains(name))
                return $"parameter '{name}' is not declared in the parameters cell (it declares {(declared.Count == 0 ? "nothing" : string.Join(", ", declared.Order(StringComparer.Ordinal)))}).";
            if (string.IsNullOrWhiteSpace(value)) return $"parameter '{name}' has an empty value.";
        }
        var metadata = (JsonObject)cell.Metadata.DeepClone();
        metadata["tags"] = new JsonArray(InjectedParametersTag);
        var code = "// Parameters injected by the notebook runner\n" + string.Join("\n", parameters.Select(p => $"{p.Key} = {p.Value};"));
        notebook.Cells.Insert(index + 1, new NotebookCell("code", code, metadata, NotebookFile.NewCellId()));
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    // "var samples = 60;" or "int samples = 60;" at the start of a line.
    [GeneratedRegex(@"^\s*(?:var|int|long|double|float|bool|string|decimal)\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=", RegexOptions.Multiline)]
    private static partial Regex Declaration();
}
