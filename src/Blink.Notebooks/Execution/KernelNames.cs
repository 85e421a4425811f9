using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Notebooks.Documents;

namespace Blink.Notebooks.Execution;

/// <summary>
/// Which kernel a cell belongs to, resolved like the kernel and VS Code do: the cell's polyglot_notebook.kernelName,
/// else dotnet_interactive.language, else a first-line #!kernel selector, else the notebook default
/// (polyglot_notebook.kernelInfo / legacy kernelInfo defaultKernelName, else kernelspec.name without ".net-", else csharp).
/// </summary>
internal static class KernelNames
{
    public const string CSharp = "csharp";
    public const string Markdown = "markdown";

    /// <summary>Kernel names and aliases of .NET Interactive (docs/magic-commands.md); a #! line naming one switches kernels.</summary>
    private static readonly Dictionary<string, string> KnownKernels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csharp"] = CSharp, ["c#"] = CSharp, ["cs"] = CSharp,
        ["markdown"] = Markdown, ["md"] = Markdown,
        ["fsharp"] = "fsharp", ["f#"] = "fsharp", ["fs"] = "fsharp",
        ["pwsh"] = "pwsh", ["powershell"] = "pwsh",
        ["javascript"] = "javascript", ["js"] = "javascript",
        ["html"] = "html", ["mermaid"] = "mermaid", ["sql"] = "sql", ["kql"] = "kql", ["http"] = "http",
        ["value"] = "value", [".NET"] = ".NET", ["vscode"] = "vscode", ["webview"] = "webview",
    };

    public static string ResolveCell(NotebookDocument notebook, NotebookCell cell)
    {
        if (cell.IsMarkdown) return Markdown;
        var fromMetadata = String(cell.Metadata["polyglot_notebook"]?["kernelName"])
                           ?? String(cell.Metadata["dotnet_interactive"]?["language"]);
        if (fromMetadata is not null) return Normalize(notebook, fromMetadata);
        if (FirstLineSelector(cell.Source) is { } selector && TryResolveAlias(notebook, selector, out var kernel)) return kernel;
        return DefaultKernel(notebook);
    }

    public static string DefaultKernel(NotebookDocument notebook)
    {
        var meta = notebook.Metadata;
        var name = String(meta["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"])
                   ?? String(meta["kernelInfo"]?["defaultKernelName"]);
        if (name is null && String(meta["kernelspec"]?["name"]) is { } spec && spec.StartsWith(".net-", StringComparison.Ordinal))
            name = spec[".net-".Length..];
        return name is null ? CSharp : Normalize(notebook, name);
    }

    /// <summary>Resolves a #!name: through the notebook's kernelInfo items (name + aliases), then the built-in list.</summary>
    public static bool TryResolveAlias(NotebookDocument notebook, string alias, out string kernel)
    {
        foreach (var item in KernelInfoItems(notebook))
        {
            var name = String(item["name"]);
            if (name is null) continue;
            var aliases = (item["aliases"] as JsonArray)?.Select(String).OfType<string>() ?? [];
            if (string.Equals(name, alias, StringComparison.OrdinalIgnoreCase) || aliases.Contains(alias, StringComparer.OrdinalIgnoreCase))
            {
                kernel = KnownKernels.GetValueOrDefault(name, name);
                return true;
            }
        }
        return KnownKernels.TryGetValue(alias, out kernel!);
    }

    public static string? FirstLineSelector(string source)
    {
        var firstLine = source.Split('\n', 2)[0].Trim();
        return firstLine.StartsWith("#!", StringComparison.Ordinal) && firstLine.Length > 2 ? firstLine[2..].Trim() : null;
    }

    private static string Normalize(NotebookDocument notebook, string name) =>
        TryResolveAlias(notebook, name, out var kernel) ? kernel : name;

    private static IEnumerable<JsonObject> KernelInfoItems(NotebookDocument notebook) =>
        ((notebook.Metadata["polyglot_notebook"]?["kernelInfo"]?["items"] ?? notebook.Metadata["kernelInfo"]?["items"]) as JsonArray)
        ?.OfType<JsonObject>() ?? [];

    private static string? String(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
