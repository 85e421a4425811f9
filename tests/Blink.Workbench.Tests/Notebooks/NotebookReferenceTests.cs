using System.Xml.Linq;
using Blink.Notebooks;
using Blink.Notebooks.Documents;
using Blink.Notebooks.Execution;
using static Blink.Workbench.Tests.Notebooks.NotebookAssert;

namespace Blink.Workbench.Tests.Notebooks;

[Collection(NotebookRunnerCollection.Name)]
public sealed class NotebookReferenceTests
{
    private const string WorkbenchReference = "#r \"../src/Blink.Workbench/bin/Release/net10.0/Blink.Workbench.dll\"";

    [Fact]
    public async Task Assembly_references_must_come_first_in_a_cell_like_in_the_kernel()
    {
        using var nb = new TestNotebook()
            .Code("#r \"System.Text.Json\"\nSystem.Text.Json.JsonSerializer.Serialize(new[] { 1 })")
            .Code("var a = 1;\n#r \"System.Xml.Linq\"");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Assert.Equal("[1]", Assert.Single(Displays(result, 0)).Get("text/plain"));
        var failure = Assert.Single(result.Failures);
        Assert.Equal((1, CellFailureKind.CompilationError), (failure.CellIndex, failure.Kind));
        Assert.Contains("CS7009", failure.Message);
    }

    [Fact]
    public async Task Pinned_nuget_references_of_provided_packages_work_anywhere_at_line_start()
    {
        using var nb = new TestNotebook()
            .Code("#r \"nuget: Plotly.NET, 6.0.0\"\n#r \"nuget:Plotly.NET.CSharp,0.14.0\"\nvar ok = 1;\n#r \"nuget: TorchSharp-cpu, 0.107.0\"")
            .Code("var chart = Plotly.NET.CSharp.Chart.Line<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 });\nchart.GetType().Name")
            .Code("#r \"nuget: Plotly.NET, 6.0.0\"\ntypeof(TorchSharp.torch).Assembly.GetName().Name");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        var installed = Displays(result, 0).Single().Get("text/html")!;
        Assert.Contains("<strong>Installed Packages</strong>", installed);
        Assert.Contains("<span>Plotly.NET.CSharp, 0.14.0</span>", installed);
        Assert.Equal("Chart", Displays(result, 1).Single().Get("text/plain"));
        Assert.Equal("TorchSharp", Displays(result, 2).Last().Get("text/plain"));
    }

    [Theory]
    [InlineData("#r \"nuget: Plotly.NET\"", "must pin an exact version")]
    [InlineData("#r \"nuget: Plotly.NET, 6.*\"", "must pin an exact version")]
    [InlineData("#r \"nuget: Plotly.NET, 5.1.0\"", "is not the version the headless runner provides (6.0.0)")]
    [InlineData("#r \"nuget: Newtonsoft.Json, 13.0.3\"", "'Newtonsoft.Json' is not provided by the headless runner")]
    [InlineData("#r \"nuget: TorchSharp, 0.107.0\"", "TorchSharp-cpu")]
    public async Task Unpinned_mismatched_or_unknown_packages_fail_clearly(string directive, string expected)
    {
        using var nb = new TestNotebook().Code(directive).Code("1");
        var result = await NotebookRunner.RunAsync(nb.Write());

        var failure = Assert.Single(result.Failures);
        Assert.Equal((0, CellFailureKind.PackageReference), (failure.CellIndex, failure.Kind));
        Assert.Contains(expected, failure.Message);
        Assert.Contains(expected, Assert.IsType<ErrorOutput>(Assert.Single(Cell(result, 0).Outputs)).Value);
    }

    [Fact]
    public async Task The_workbench_build_output_resolves_to_the_hosts_copy_whatever_the_configuration_folder()
    {
        using var nb = new TestNotebook()
            .Code(WorkbenchReference)
            .Code("typeof(Blink.Workbench.Text.ITextTokenizer).Assembly.Location");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Succeeded(result);
        Assert.Equal(typeof(Blink.Workbench.Text.ITextTokenizer).Assembly.Location, Displays(result, 1).Single().Get("text/plain"));
        Assert.Contains(result.Warnings, w => w.Contains("does not exist; using the runner's own Blink.Workbench"));
    }

    [Fact]
    public async Task An_existing_workbench_dll_must_be_the_same_assembly_as_the_hosts()
    {
        var host = typeof(Blink.Workbench.Text.ITextTokenizer).Assembly.Location;
        using var same = new TestNotebook().Code(WorkbenchReference).Code("typeof(Blink.Workbench.Text.ITextTokenizer).Assembly.Location");
        CopyAs(host, same);
        var sameResult = await NotebookRunner.RunAsync(same.Write());
        Succeeded(sameResult);
        Assert.Empty(sameResult.Warnings);
        Assert.Equal(host, Displays(sameResult, 1).Single().Get("text/plain"));

        using var other = new TestNotebook().Code(WorkbenchReference);
        CopyAs(typeof(XDocument).Assembly.Location, other);   // some other assembly under the workbench's file name
        var otherResult = await NotebookRunner.RunAsync(other.Write());
        var failure = Assert.Single(otherResult.Failures);
        Assert.Equal(CellFailureKind.AssemblyReference, failure.Kind);
        Assert.Contains("but the runner hosts Blink.Workbench", failure.Message);

        static void CopyAs(string source, TestNotebook nb)
        {
            var target = Path.Combine(nb.Directory, "src/Blink.Workbench/bin/Release/net10.0/Blink.Workbench.dll");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
    }

    [Fact]
    public async Task A_missing_dll_outside_a_build_folder_fails_like_in_the_kernel()
    {
        using var nb = new TestNotebook().Code("#r \"../lib/Nothing.dll\"");
        var result = await NotebookRunner.RunAsync(nb.Write());

        Assert.Contains("CS0006", Assert.Single(result.Failures).Message);
    }

    [Fact]
    public async Task Charts_render_as_html_only_after_plotly_net_interactive_is_referenced()
    {
        const string chart = "Plotly.NET.CSharp.Chart.Line<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 })";
        using var nb = new TestNotebook()
            .Code("#r \"nuget: Plotly.NET.CSharp, 0.14.0\"")
            .Code(chart)
            .Code("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"")
            .Code($"var c = {chart};\nc")
            .Code("$\"{Plotly.NET.GenericChart.toChartHTML(c).Contains(\"requirejs\")}\"");
        var result = await NotebookRunner.RunAsync(nb.Write(), new NotebookRunOptions { ChartPngRenderer = _ => [1, 2, 3] });

        Succeeded(result);
        Assert.DoesNotContain("Plotly.newPlot", Displays(result, 1).Single().Get("text/html"));
        Assert.Contains("Loading extensions from `Plotly.NET.Interactive.dll`", Displays(result, 2).Last().Get("text/markdown"));
        var rendered = Displays(result, 3).Single();
        Assert.Contains("Plotly.newPlot", rendered.Get("text/html"));
        Assert.Contains("requirejs.config", rendered.Get("text/html"));
        Assert.Equal(Convert.ToBase64String([1, 2, 3]), rendered.Get("image/png"));
        Assert.Equal("False", Displays(result, 4).Single().Get("text/plain"));   // the user's chart was not mutated
    }

    [Fact]
    public void Provided_package_versions_match_the_central_package_versions()
    {
        var props = FindRepositoryFile("Directory.Packages.props");
        var versions = XDocument.Load(props).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

        foreach (var package in ProvidedPackages.All)
        {
            var central = package.Id switch
            {
                _ when package.Id.StartsWith("TorchSharp-", StringComparison.Ordinal) => "TorchSharp",
                "Plotly.NET.Interactive" => "Plotly.NET",
                _ => package.Id,
            };
            Assert.True(versions.TryGetValue(central, out var version), $"{central} is not in Directory.Packages.props");
            Assert.Equal(version, package.Version);
            Assert.NotEmpty(package.Assemblies());
        }
    }

    private static string FindRepositoryFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, name))) return Path.Combine(dir.FullName, name);
        throw new FileNotFoundException(name);
    }
}
