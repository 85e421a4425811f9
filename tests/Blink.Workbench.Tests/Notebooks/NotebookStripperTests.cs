using Blink.Notebooks;
using Blink.Notebooks.Documents;

namespace Blink.Workbench.Tests.Notebooks;

public sealed class NotebookStripperTests
{
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
