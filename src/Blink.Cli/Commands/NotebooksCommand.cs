using System.CommandLine;
using Blink.Notebooks;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary><c>blink notebooks run|strip</c>: execute Polyglot C# notebooks headlessly, or clear their outputs.</summary>
internal static class NotebooksCommand
{
    public static Command Create()
    {
        var command = new Command("notebooks", "Run the project's Polyglot C# notebooks headlessly (Roslyn, the engine of the C# kernel), or strip their outputs.");

        var paths = new Argument<string[]>("notebooks") { Description = ".ipynb files (default: notebooks/*.ipynb)", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the executed copies (.ipynb) and offline HTML pages", DefaultValueFactory = _ => "artifacts/notebooks" };
        var parameters = new Option<string[]>("--param") { Description = "name=C# expression, injected after the cell tagged 'parameters' (repeatable)", AllowMultipleArgumentsPerToken = true };
        var keepGoing = new Option<bool>("--continue-on-error") { Description = "Run every cell even after a failure" };
        var timeout = new Option<int>("--cell-timeout") { Description = "Seconds a cell may run", DefaultValueFactory = _ => 600 };
        var run = new Command("run", "Execute notebooks cell by cell; writes executed copies and offline HTML; exit code 2 if any cell failed.") { paths, output, parameters, keepGoing, timeout };
        run.SetAction(result => CliErrors.Run(() =>
        {
            var values = new Dictionary<string, string>();
            foreach (var p in result.GetValue(parameters) ?? [])
            {
                var eq = p.IndexOf('=');
                if (eq <= 0) throw new ArgumentException($"--param '{p}': expected name=expression.");
                values[p[..eq].Trim()] = p[(eq + 1)..];
            }
            var exit = 0;
            foreach (var path in Resolve(result.GetValue(paths)))
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{path}[/]");
                var progress = new SynchronousProgress<NotebookProgress>(p =>
                {
                    if (p.Result is { } r) AnsiConsole.MarkupLineInterpolated($"  cell {p.CellIndex + 1}/{p.CellCount}: {r.Status} ({r.Elapsed.TotalSeconds:F1} s)");
                });
                var r = NotebookRunner.RunAsync(path, new NotebookRunOptions
                {
                    OutputDirectory = result.GetValue(output)!, Parameters = values, ContinueOnError = result.GetValue(keepGoing),
                    CellTimeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
                }, progress).GetAwaiter().GetResult();
                foreach (var w in r.Warnings) AnsiConsole.MarkupLineInterpolated($"  [yellow]warning:[/] {w}");
                if (r.Succeeded) AnsiConsole.MarkupLineInterpolated($"  [green]ok[/] in {r.Elapsed.TotalSeconds:F1} s → {r.ExecutedNotebookPath}, {r.HtmlPath}");
                else
                {
                    foreach (var f in r.Failures) AnsiConsole.MarkupLineInterpolated($"  [red]failed:[/] {f}");
                    exit = r.ExitCode;
                }
            }
            return exit;
        }));

        var stripPaths = new Argument<string[]>("notebooks") { Description = ".ipynb files (default: notebooks/*.ipynb)", Arity = ArgumentArity.ZeroOrMore };
        var check = new Option<bool>("--check") { Description = "Only check; exit 1 if a notebook still has outputs" };
        var strip = new Command("strip", "Clear outputs and execution counts (keeps ids and metadata).") { stripPaths, check };
        strip.SetAction(result => CliErrors.Run(() =>
        {
            var dirty = 0;
            foreach (var path in Resolve(result.GetValue(stripPaths)))
            {
                if (result.GetValue(check))
                {
                    if (NotebookStripper.IsStripped(path)) continue;
                    dirty++;
                    AnsiConsole.MarkupLineInterpolated($"[red]not stripped:[/] {path}");
                }
                else if (NotebookStripper.Strip(path)) AnsiConsole.MarkupLineInterpolated($"stripped {path}");
            }
            return dirty == 0 ? 0 : 1;
        }));

        command.Subcommands.Add(run);
        command.Subcommands.Add(strip);
        return command;
    }

    private static IEnumerable<string> Resolve(string[]? paths)
    {
        if (paths is { Length: > 0 }) return paths;
        if (!Directory.Exists("notebooks")) throw new DirectoryNotFoundException("No notebooks given and no notebooks/ folder here (run from the repository root).");
        return Directory.GetFiles("notebooks", "*.ipynb").Order(StringComparer.Ordinal);
    }
}
