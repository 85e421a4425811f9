using Blink.Notebooks;
using Blink.Notebooks.Documents;

namespace Blink.Workbench.Tests.Notebooks;

[Collection(NotebookRunnerCollection.Name)]
public sealed class NotebookStripperTests
{
    [Fact]
    public async Task Strip_clears_outputs_and_counts_but_keeps_ids_and_metadata()
    {
        using var nb = new TestNotebook().Markdown("# T").Code("Console.WriteLine(1);\n\"x\"", tags: "parameters");
        Assert.True(NotebookStripper.IsStripped(nb.Write()));
        var run = await NotebookRunner.RunAsync(nb.NotebookPath, new NotebookRunOptions { OutputDirectory = nb.OutputDirectory, WriteHtml = false });
        var executed = run.ExecutedNotebookPath!;
        Assert.False(NotebookStripper.IsStripped(executed));

        Assert.True(NotebookStripper.Strip(executed));

        Assert.True(NotebookStripper.IsStripped(executed));
        var stripped = NotebookFile.Read(executed);
        var original = NotebookFile.Read(nb.NotebookPath);
        Assert.Equal(original.Cells.Select(c => c.Id), stripped.Cells.Select(c => c.Id));
        Assert.Equal(original.Cells.Select(c => c.Source), stripped.Cells.Select(c => c.Source));
        Assert.Equal(original.Cells[1].Metadata.ToJsonString(), stripped.Cells[1].Metadata.ToJsonString());
        Assert.Equal(".net-csharp", stripped.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Contains("\"execution_count\": null", File.ReadAllText(executed));

        var bytes = File.ReadAllBytes(executed);
        Assert.False(NotebookStripper.Strip(executed));   // already stripped: the file is left alone
        Assert.Equal(bytes, File.ReadAllBytes(executed));
    }

    [Fact]
    public void The_writer_round_trips_jupyter_variants_in_the_vs_code_shape()
    {
        const string jupyter = """
            {"nbformat": 4, "nbformat_minor": 2, "metadata": {"language_info": {"name": "C#"}},
             "cells": [{"cell_type": "code", "execution_count": 3, "metadata": {}, "source": "a\nb\n",
                        "outputs": [{"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "7", "application/json": {"k": [1]}}},
                                    {"output_type": "stream", "name": "stdout", "text": ["x\n", "y"]}]}]}
            """;
        var notebook = NotebookFile.Parse(jupyter);
        Assert.False(notebook.CellsHaveIds);
        Assert.Equal("a\nb\n", notebook.Cells[0].Source);
        Assert.False(NotebookStripper.IsStripped(notebook));

        var text = NotebookFile.Serialize(notebook);
        Assert.Contains("\"source\": [\n    \"a\\n\",\n    \"b\\n\"\n   ]", text);
        Assert.Contains("\"application/json\": {\n       \"k\": [", text);
        Assert.Contains("\"text\": [\n      \"x\\n\",\n      \"y\"\n     ]", text);
        Assert.DoesNotContain("\"id\"", text);
        Assert.EndsWith("}\n", text);
        Assert.Equal(text, NotebookFile.Serialize(NotebookFile.Parse(text)));
        Assert.Throws<NotebookFormatException>(() => NotebookFile.Parse("""{"nbformat": 3, "cells": []}"""));
    }
}
