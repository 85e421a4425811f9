using Blink.Notebooks;
using Blink.Notebooks.Documents;
using static Blink.Workbench.Tests.Notebooks.NotebookAssert;

namespace Blink.Workbench.Tests.Notebooks;

[Collection(NotebookRunnerCollection.Name)]
public sealed class NotebookExecutionTests
{
    [Fact]
    public async Task State_carries_across_cells_and_counts_follow_execution_order()
    {
        using var nb = new TestNotebook()
            .Code("var x = 20;\nint Twice(int v) => 2 * v;")
            .Markdown("# Between")
            .Code("record Point(int X, int Y);\nvar p = new Point(x, 2);")
            .Code("$\"{Twice(p.X) + p.Y}\"");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        Assert.Equal([1, null, 2, 3], result.ExecutedNotebook.Cells.Select(c => c.ExecutionCount));
        var value = Assert.Single(Displays(result, 3));
        Assert.Equal("42", value.Get("text/plain"));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Return_value_is_shown_only_for_a_trailing_expression_and_display_handles_are_not()
    {
        using var nb = new TestNotebook()
            .Code("display(\"shown\");\n\"returned\"")        // display + return value, in that order
            .Code("string.Concat(\"not \", \"returned\");")     // semicolon: no return value
            .Code("display(\"only once\")")                     // trailing display(...) returns a handle the kernel hides
            .Code("Console.WriteLine(\"printed\")")             // void: no return value
            .Code("\"<b>bold</b>\".DisplayAs(\"text/html\");\n12.Display(\"text/plain\");\nHTML(\"<i>it</i>\")")
            .Code("var handle = display(\"first\");\nhandle.Update(\"final\");");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        Assert.Equal(["shown", "returned"], Displays(result, 0).Select(d => d.Get("text/plain")));
        Assert.Empty(Cell(result, 1).Outputs);
        Assert.Equal("only once", Assert.Single(Displays(result, 2)).Get("text/plain"));
        Assert.Equal("printed\n", Assert.IsType<StreamOutput>(Assert.Single(Cell(result, 3).Outputs)).Text);
        var mixed = Displays(result, 4);
        Assert.Equal("<b>bold</b>", mixed[0].Get("text/html"));
        Assert.Equal("12", mixed[1].Get("text/plain"));
        Assert.Equal("<i>it</i>", mixed[2].Get("text/html"));
        Assert.Equal("final", Assert.Single(Displays(result, 5)).Get("text/plain"));
    }

    [Fact]
    public async Task Values_use_the_formatting_packages_mime_choice()
    {
        using var nb = new TestNotebook().Code("new[] { 1, 2, 3 }").Code("(string?)null");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        var array = Assert.Single(Displays(result, 0));
        Assert.Equal(["text/html"], array.Data.Keys);
        Assert.Contains("1, 2, 3", array.Get("text/html"));
        Assert.Equal("<null>", Assert.Single(Displays(result, 1)).Data.Values.Single());
    }

    [Fact]
    public async Task Console_output_is_captured_per_stream_and_in_order()
    {
        using var nb = new TestNotebook()
            .Code("Console.WriteLine(\"out 1\");\nConsole.Error.WriteLine(\"err\");\nawait Task.Run(() => Console.WriteLine(\"out from task\"));")
            .Code("Console.Write(\"a\"); Console.Write(\"b\");");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        Assert.Equal(["stdout", "stderr", "stdout"], Cell(result, 0).Outputs.Cast<StreamOutput>().Select(s => s.Name));
        Assert.Equal("out 1\nout from task\n", Stream(result, 0, "stdout"));
        Assert.Equal("err\n", Stream(result, 0, "stderr"));
        Assert.Equal("ab", Assert.IsType<StreamOutput>(Assert.Single(Cell(result, 1).Outputs)).Text);
    }

    [Fact]
    public async Task Compile_errors_become_error_outputs_and_stop_the_run()
    {
        using var nb = new TestNotebook()
            .Code("var ok = 1;")
            .Code("var y = undefinedName + 1;")
            .Code("Console.WriteLine(\"never\");");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.ExitCode);
        var failure = Assert.Single(result.Failures);
        Assert.Equal((1, "c0000001", CellFailureKind.CompilationError), (failure.CellIndex, failure.CellId, failure.Kind));
        var error = Assert.IsType<ErrorOutput>(Assert.Single(Cell(result, 1).Outputs));
        Assert.Equal("Error", error.Name);
        Assert.Contains("(1,9): error CS0103: The name 'undefinedName' does not exist", error.Value);
        Assert.Equal([CellRunStatus.Succeeded, CellRunStatus.Failed, CellRunStatus.Skipped], result.Cells.Select(c => c.Status));
        Assert.Null(Cell(result, 2).ExecutionCount);
        Assert.Contains("cell 2 (id c0000001): CompilationError", failure.ToString());
    }

    [Fact]
    public async Task Runtime_exceptions_stop_at_the_first_failure_unless_continue_on_error()
    {
        using var nb = new TestNotebook()
            .Code("Console.WriteLine(\"before\");\nthrow new InvalidOperationException(\"boom\");")
            .Code("\"after\"");
        var path = nb.Write();

        var stopped = await NotebookRunner.RunAsync(path);
        var failure = Assert.Single(stopped.Failures);
        Assert.Equal(CellFailureKind.RuntimeException, failure.Kind);
        Assert.Equal("before\n", Stream(stopped, 0, "stdout"));
        var error = Assert.IsType<ErrorOutput>(Cell(stopped, 0).Outputs.Last());
        Assert.StartsWith("System.InvalidOperationException: boom", error.Value);
        Assert.Equal(error.Value.Split('\n').Length, error.Traceback.Count);
        Assert.Empty(Cell(stopped, 1).Outputs);
        Assert.Equal(CellRunStatus.Skipped, stopped.Cells[1].Status);

        var continued = await NotebookRunner.RunAsync(path, new NotebookRunOptions { ContinueOnError = true });
        Assert.Single(continued.Failures);
        Assert.False(continued.Succeeded);
        Assert.Equal("after", Assert.Single(Displays(continued, 1)).Get("text/plain"));
        Assert.Equal(2, Cell(continued, 1).ExecutionCount);
    }

    [Fact]
    public async Task A_cell_running_past_the_timeout_fails_and_ends_the_run_even_with_continue_on_error()
    {
        using var nb = new TestNotebook().Code("System.Threading.Thread.Sleep(3000);").Code("1");
        var result = await NotebookRunner.RunAsync(nb.Write(),
            new NotebookRunOptions { CellTimeout = TimeSpan.FromMilliseconds(300), ContinueOnError = true });

        var failure = Assert.Single(result.Failures);
        Assert.Equal(CellFailureKind.Timeout, failure.Kind);
        Assert.Equal(CellRunStatus.Skipped, result.Cells[1].Status);
    }

    [Fact]
    public async Task Cells_run_in_the_notebook_folder_and_the_working_directory_is_restored()
    {
        using var nb = new TestNotebook().Code("System.IO.File.ReadAllText(\"data.txt\")");
        File.WriteAllText(Path.Combine(nb.NotebookDirectory, "data.txt"), "next to the notebook");
        var before = Environment.CurrentDirectory;

        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        Assert.Equal("next to the notebook", Assert.Single(Displays(result, 0)).Get("text/plain"));
        Assert.Equal(before, Environment.CurrentDirectory);
    }

    [Fact]
    public async Task The_source_notebook_is_never_modified_and_the_executed_copy_is_written()
    {
        using var nb = new TestNotebook().Code("\"hello\"");
        var path = nb.Write();
        var original = File.ReadAllBytes(path);

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputDirectory = nb.OutputDirectory });

        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Equal(Path.Combine(nb.OutputDirectory, "test.ipynb"), result.ExecutedNotebookPath);
        var text = File.ReadAllText(result.ExecutedNotebookPath!);
        Assert.Contains("\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,", text);
        Assert.Contains("\"output_type\": \"display_data\"", text);
        var reread = NotebookFile.Read(result.ExecutedNotebookPath!);
        Assert.Equal("hello", Assert.IsType<DisplayOutput>(Assert.Single(reread.Cells[0].Outputs)).Get("text/plain"));
        Assert.True(File.Exists(result.HtmlPath));
        await Assert.ThrowsAsync<ArgumentException>(() => NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputDirectory = nb.NotebookDirectory }));
    }
}
