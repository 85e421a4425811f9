using System.Text.Json.Nodes;
using Blink.Notebooks;
using Blink.Notebooks.Documents;
using static Blink.Workbench.Tests.Notebooks.NotebookAssert;

namespace Blink.Workbench.Tests.Notebooks;

[Collection(NotebookRunnerCollection.Name)]
public sealed class NotebookKernelTests
{
    [Theory]
    [InlineData("fsharp", "1 + 1", "'fsharp' kernel")]
    [InlineData("csharp", "#!fsharp\nprintfn \"x\"", "switches to the 'fsharp' kernel")]
    [InlineData("csharp", "#!who", "magic command '#!who' is not supported by the headless runner")]
    [InlineData("csharp", "var a = 1;\n#!set --name x --value 1", "magic command '#!set'")]
    public async Task Other_kernels_and_magics_fail_before_anything_runs(string kernel, string source, string expected)
    {
        using var nb = new TestNotebook().Code("Console.WriteLine(\"first\");").Code(source, kernel);
        var result = await NotebookRunner.RunAsync(nb.Write());

        var failure = Assert.Single(result.Failures);
        Assert.Equal((1, CellFailureKind.UnsupportedContent), (failure.CellIndex, failure.Kind));
        Assert.Contains(expected, failure.Message);
        Assert.Contains("not supported by the headless runner", failure.Message);
        Assert.Null(Cell(result, 0).ExecutionCount);   // validation happens before the first cell runs
        Assert.Empty(Cell(result, 0).Outputs);
        Assert.IsType<ErrorOutput>(Assert.Single(Cell(result, 1).Outputs));
    }

    [Fact]
    public async Task CSharp_selectors_and_time_magic_are_accepted()
    {
        using var nb = new TestNotebook()
            .Code("#!csharp\nvar a = 1;")
            .Code("#!c#\n#!time\n$\"{a + 1}\"");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        var outputs = Displays(result, 1);
        Assert.Equal("2", outputs[0].Get("text/plain"));
        Assert.Matches(@"^Wall time: [\d.]+ms$", outputs[1].Get("text/plain"));
    }

    [Fact]
    public async Task Cell_languages_resolve_from_legacy_metadata_first_lines_and_the_notebook_default()
    {
        using var nb = new TestNotebook();
        nb.Metadata.Remove("polyglot_notebook");
        nb.Metadata["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp", ["items"] = new JsonArray() };
        nb.Cells.Add(Cell("var a = 1;", new JsonObject()));                                                      // notebook default
        nb.Cells.Add(Cell("#!C#\nvar b = a + 1;", new JsonObject()));                                            // first-line alias
        nb.Cells.Add(Cell("$\"{b + 1}\"", new JsonObject { ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" } }));
        nb.Cells.Add(Cell("not C#", new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "markdown" } }));
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        Assert.Equal("3", Displays(result, 2).Single().Get("text/plain"));
        Assert.Equal(CellRunStatus.NotCode, result.Cells[3].Status);

        static JsonObject Cell(string source, JsonObject metadata) => new()
        {
            ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = metadata, ["outputs"] = new JsonArray(), ["source"] = source,
        };
    }

    [Fact]
    public async Task A_notebook_whose_kernelspec_is_another_language_is_rejected()
    {
        using var nb = new TestNotebook();
        nb.Metadata.Remove("polyglot_notebook");
        nb.Metadata["kernelspec"] = new JsonObject { ["name"] = ".net-fsharp" };
        nb.Cells.Add(new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = "1" });
        var result = await NotebookRunner.RunAsync(nb.Write());

        Assert.Contains("'fsharp' kernel", Assert.Single(result.Failures).Message);
    }

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell()
    {
        using var nb = new TestNotebook()
            .Code("#r \"nuget: Plotly.NET, 6.0.0\"")
            .Code("var epochs = 10;\nvar label = \"full\";", tags: NotebookRunner.ParametersTag)
            .Code("$\"{label}:{epochs}\"");
        var path = nb.Write();

        var defaults = await NotebookRunner.RunAsync(path);
        Assert.Equal("full:10", Displays(defaults, 2).Single().Get("text/plain"));

        var quick = await NotebookRunner.RunAsync(path, new NotebookRunOptions
        {
            Parameters = new Dictionary<string, string> { ["epochs"] = "1", ["label"] = "\"quick\"" },
        });
        Succeeded(quick);
        Assert.Equal(4, quick.ExecutedNotebook.Cells.Count);
        var injected = Cell(quick, 2);
        Assert.Equal([NotebookRunner.InjectedParametersTag], injected.Tags);
        Assert.Contains("epochs = 1;", injected.Source);
        Assert.Equal("csharp", injected.Metadata["polyglot_notebook"]!["kernelName"]!.GetValue<string>());
        Assert.Equal("quick:1", Displays(quick, 3).Single().Get("text/plain"));
        Assert.Equal(3, NotebookFile.Read(path).Cells.Count);
    }

    [Fact]
    public async Task Parameters_without_a_parameters_cell_or_of_the_wrong_type_fail()
    {
        using var untagged = new TestNotebook().Code("var epochs = 10;");
        var missing = await NotebookRunner.RunAsync(untagged.Write(),
            new NotebookRunOptions { Parameters = new Dictionary<string, string> { ["epochs"] = "1" } });
        Assert.Equal(CellFailureKind.Parameters, Assert.Single(missing.Failures).Kind);
        Assert.Null(Cell(missing, 0).ExecutionCount);

        using var tagged = new TestNotebook().Code("var epochs = 10;", tags: "parameters");
        var wrongType = await NotebookRunner.RunAsync(tagged.Write(),
            new NotebookRunOptions { Parameters = new Dictionary<string, string> { ["epochs"] = "\"many\"" } });
        var failure = Assert.Single(wrongType.Failures);
        Assert.Equal((1, CellFailureKind.CompilationError), (failure.CellIndex, failure.Kind));
    }
}
