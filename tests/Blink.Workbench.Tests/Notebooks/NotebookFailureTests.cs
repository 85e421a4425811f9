using Blink.Notebooks;
using Blink.Notebooks.Documents;

namespace Blink.Workbench.Tests.Notebooks;

/// <summary>
/// Bad input gets one message naming the notebook, the cell and the cause, and nothing in the source notebook's
/// folder changes: a failing cell, a wrong #r version, a notebook that is not JSON, a missing kernel driver, a
/// parameter the notebook does not declare. The cell-level cases run in the real kernel.
/// </summary>
[Collection(NotebookRunnerCollection.Name)]
public sealed class NotebookFailureTests
{
    [Fact]
    public async Task A_failing_cell_is_named_with_its_exception_and_later_cells_do_not_hide_it()
    {
        using var nb = new TestNotebook("failing")
            .Markdown("# A notebook whose third code cell throws")
            .Code("var n = 2;", tags: "parameters")
            .Code("var half = n / 2;\nhalf")
            .Code("throw new InvalidOperationException(\"the testbed folder is missing\");")
            .Code("var later = half + 1;\nlater");
        var path = nb.Write();
        var before = KernelNotebooks.Snapshot(nb.NotebookDirectory);

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputDirectory = nb.OutputDirectory, Parameters = new Dictionary<string, string> { ["n"] = "4" } });

        var failure = Assert.Single(result.Failures);
        Assert.Equal(CellFailureKind.CellError, failure.Kind);
        Assert.Equal(4, failure.CellIndex);   // markdown, parameters, injected parameters, half, throw (0-based 4)
        Assert.Equal("c0000003", failure.CellId);
        Assert.Contains("System.InvalidOperationException: the testbed folder is missing", failure.Message);
        Assert.StartsWith("failing.ipynb, cell 5 (id c0000003): CellError: System.InvalidOperationException: the testbed folder is missing", failure.ToString());
        Assert.Equal(2, result.ExitCode);
        // The cells before it ran with the injected value; the executed copy keeps every output.
        Assert.Contains("2", NotebookAssert.Html(NotebookAssert.Cell(result, 3)) + string.Concat(NotebookAssert.Displays(result, 3).Select(d => d.Get("text/plain"))));
        Assert.True(File.Exists(result.ExecutedNotebookPath));
        Assert.Equal(before, KernelNotebooks.Snapshot(nb.NotebookDirectory));
    }

    [Fact]
    public async Task A_wrong_package_version_is_a_package_failure_of_the_r_cell()
    {
        using var nb = new TestNotebook("wrong-version")
            .Code(KernelNotebooks.FeedCell)
            .Code("#r \"nuget: Blink.Workbench, 99.0.0\"")
            .Code("Blink.Workbench.Plots.OfflinePlotlyPage.PlotlyJsVersion");
        var path = nb.Write();
        var before = KernelNotebooks.Snapshot(nb.NotebookDirectory);

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputDirectory = nb.OutputDirectory });

        var failure = Assert.Single(result.Failures);
        Assert.Equal(CellFailureKind.PackageReference, failure.Kind);
        Assert.Equal(1, failure.CellIndex);
        Assert.Contains("Blink.Workbench", failure.Message);
        Assert.Contains("99.0.0", failure.Message);
        Assert.StartsWith("wrong-version.ipynb, cell 2 (id c0000001): PackageReference:", failure.ToString());
        Assert.Equal(before, KernelNotebooks.Snapshot(nb.NotebookDirectory));
    }

    [Fact]
    public async Task A_notebook_that_is_not_json_is_refused_before_any_kernel_starts()
    {
        using var nb = new TestNotebook("broken");
        File.WriteAllText(nb.NotebookPath, "{\"cells\": [ {\"cell_type\": \"code\", ");
        var before = KernelNotebooks.Snapshot(nb.NotebookDirectory);
        int? kernel = null;

        var result = await NotebookRunner.RunAsync(nb.NotebookPath, new NotebookRunOptions { OutputDirectory = nb.OutputDirectory, KernelStarted = pid => kernel = pid });

        var failure = Assert.Single(result.Failures);
        Assert.Equal(CellFailureKind.InvalidNotebook, failure.Kind);
        Assert.StartsWith("broken.ipynb: InvalidNotebook: The notebook is not valid JSON:", failure.ToString());
        Assert.Null(kernel);
        Assert.Equal(before, KernelNotebooks.Snapshot(nb.NotebookDirectory));
        Assert.False(Directory.Exists(nb.OutputDirectory) && Directory.EnumerateFiles(nb.OutputDirectory, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_missing_kernel_driver_says_how_to_install_it()
    {
        using var nb = new TestNotebook("no-kernel").Code("1 + 1");
        var path = nb.Write();

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputDirectory = nb.OutputDirectory, KernelToolPath = Path.Combine(nb.Directory, "no-such-dotnet-repl") });
        var failure = Assert.Single(result.Failures);
        Assert.Equal(CellFailureKind.KernelMissing, failure.Kind);
        Assert.Contains("no-such-dotnet-repl", failure.Message);

        // The checkout's own copy is found from inside the checkout (./build.sh setup installed it).
        Assert.Equal(Path.Combine(KernelNotebooks.RepositoryRoot, ".tools", KernelTool.Name), KernelTool.Locate(KernelNotebooks.NotebookFolder));
        Assert.Contains("./build.sh setup", KernelTool.MissingMessage(nb.Directory));
        Assert.Contains(KernelTool.Version, KernelTool.MissingMessage(nb.Directory));
    }

    [Theory]
    [InlineData("samples", "no code cell is tagged 'parameters'", false)]
    [InlineData("sample", "parameter 'sample' is not declared in the parameters cell (it declares samples, steps)", true)]
    [InlineData("2x", "parameter name '2x' is not a C# identifier", true)]
    public async Task Parameters_the_notebook_does_not_declare_are_refused_by_name(string parameter, string expected, bool tagged)
    {
        using var nb = new TestNotebook("params").Code("var samples = 60;\nvar steps = 300;", tags: tagged ? ["parameters"] : []).Code("samples");
        var path = nb.Write();
        int? kernel = null;

        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions
        {
            OutputDirectory = nb.OutputDirectory, Parameters = new Dictionary<string, string> { [parameter] = "6" }, KernelStarted = pid => kernel = pid,
        });

        var failure = Assert.Single(result.Failures);
        Assert.Equal(CellFailureKind.Parameters, failure.Kind);
        Assert.Contains(expected, failure.Message);
        Assert.StartsWith(tagged ? "params.ipynb, cell 1 (id c0000000): Parameters:" : "params.ipynb: Parameters:", failure.ToString());
        Assert.Null(kernel);
    }

    [Fact]
    public async Task The_output_folder_may_not_be_the_notebooks_own()
    {
        using var nb = new TestNotebook("same-folder").Code("1");
        var path = nb.Write();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => NotebookRunner.RunAsync(path, new NotebookRunOptions { OutputDirectory = nb.NotebookDirectory }));
        Assert.Contains("never written", e.Message);
    }

    [Fact]
    public void Blink_notebooks_run_names_the_failed_cell_keeps_the_executed_copy_and_exits_2()
    {
        using var nb = new TestNotebook("cli-failing").Code("var x = 1;\nx").Code("throw new InvalidOperationException(\"no data\");");
        var path = nb.Write();
        var before = KernelNotebooks.Snapshot(nb.NotebookDirectory);

        var (code, text) = Cli.CliRunner.Run("notebooks", "run", path, "--out", nb.OutputDirectory, "--timeout", "300");

        Assert.Equal(2, code);
        Assert.Contains("failed: cli-failing.ipynb, cell 2 (id c0000001): CellError: System.InvalidOperationException: no data", text);
        Assert.Contains("cell 1: ok", text);
        Assert.True(File.Exists(Path.Combine(nb.OutputDirectory, "cli-failing.ipynb")), text);
        Assert.Equal(before, KernelNotebooks.Snapshot(nb.NotebookDirectory));

        var (paramCode, paramText) = Cli.CliRunner.Run("notebooks", "run", path, "--out", nb.OutputDirectory, "--param", "samples=6");
        Assert.Equal(2, paramCode);
        Assert.Contains("failed: cli-failing.ipynb: Parameters: parameters were given (samples) but no code cell is tagged 'parameters'.", paramText);
    }

    [Fact]
    public void Strip_clears_outputs_and_counts_but_keeps_ids_and_metadata()
    {
        using var nb = new TestNotebook().Markdown("# T").Code("Console.WriteLine(1);\n\"x\"", tags: "parameters");
        var path = nb.Write();
        Assert.True(NotebookStripper.IsStripped(path));
        var original = NotebookFile.Read(path);
        var executed = original.Clone();
        executed.Cells[1].ExecutionCount = 1;
        executed.Cells[1].Outputs.Add(new StreamOutput("stdout", "1\n"));
        executed.Cells[1].Outputs.Add(new DisplayOutput(new Dictionary<string, string> { ["text/plain"] = "x" }));
        var executedPath = Path.Combine(nb.Directory, "executed.ipynb");
        NotebookFile.Write(executed, executedPath);
        Assert.False(NotebookStripper.IsStripped(executedPath));

        Assert.True(NotebookStripper.Strip(executedPath));

        Assert.True(NotebookStripper.IsStripped(executedPath));
        var stripped = NotebookFile.Read(executedPath);
        Assert.Equal(original.Cells.Select(c => c.Id), stripped.Cells.Select(c => c.Id));
        Assert.Equal(original.Cells.Select(c => c.Source), stripped.Cells.Select(c => c.Source));
        Assert.Equal(original.Cells[1].Metadata.ToJsonString(), stripped.Cells[1].Metadata.ToJsonString());
        Assert.Contains("\"execution_count\": null", File.ReadAllText(executedPath));
        var bytes = File.ReadAllBytes(executedPath);
        Assert.False(NotebookStripper.Strip(executedPath));   // already stripped: the file is left alone
        Assert.Equal(bytes, File.ReadAllBytes(executedPath));
    }
}
