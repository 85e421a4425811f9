using System.Text.Json.Nodes;

namespace Blink.Workbench.Tests.Notebooks;

/// <summary>Writes a small notebook in the VS Code Polyglot shape into a fresh temporary folder.</summary>
internal sealed class TestNotebook : IDisposable
{
    private int _nextId;

    public TestNotebook(string name = "test")
    {
        Directory = Path.Combine(Path.GetTempPath(), "blink-nb-" + Guid.NewGuid().ToString("N")[..8]);
        NotebookDirectory = Path.Combine(Directory, "notebooks");
        System.IO.Directory.CreateDirectory(NotebookDirectory);
        NotebookPath = Path.Combine(NotebookDirectory, name + ".ipynb");
    }

    /// <summary>The temporary root; the notebook lives in its "notebooks" subfolder, like the repository layout.</summary>
    public string Directory { get; }
    public string NotebookDirectory { get; }
    public string NotebookPath { get; }
    public string OutputDirectory => Path.Combine(Directory, "out");
    public JsonArray Cells { get; } = new();
    public JsonObject Metadata { get; } = new()
    {
        ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
        ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["languageName"] = "C#", ["name"] = "csharp" }),
            },
        },
    };

    public TestNotebook Code(string source, string kernel = "csharp", params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = kernel },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = kernel },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray());
        Cells.Add(new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = $"c{_nextId++:D7}",
            ["metadata"] = metadata,
            ["outputs"] = new JsonArray(),
            ["source"] = Lines(source),
        });
        return this;
    }

    public TestNotebook Markdown(string source)
    {
        Cells.Add(new JsonObject { ["cell_type"] = "markdown", ["id"] = $"m{_nextId++:D7}", ["metadata"] = new JsonObject(), ["source"] = Lines(source) });
        return this;
    }

    public string Write()
    {
        var root = new JsonObject
        {
            ["cells"] = Cells.DeepClone(),
            ["metadata"] = Metadata.DeepClone(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        File.WriteAllText(NotebookPath, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return NotebookPath;
    }

    private static JsonArray Lines(string source)
    {
        var lines = source.Split('\n');
        return new JsonArray(lines.Select((l, i) => (JsonNode)(i < lines.Length - 1 ? l + "\n" : l)).ToArray());
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
