using System.CommandLine;
using Blink.Notebooks;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary><c>blink notebooks run|strip</c>: execute Polyglot C# notebooks in the .NET Interactive kernel (dotnet-repl), or clear their outputs.</summary>
internal static class NotebooksCommand
{
    public static Command Create()
    {
        var command = new Command("notebooks", "Run the project's Polyglot C# notebooks in the .NET Interactive kernel (dotnet-repl, no network listener), or strip their outputs.");

        var paths = new Argument<string[]>("notebooks") { Description = ".ipynb files (default: notebooks/*.ipynb)", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the executed copies (.ipynb) and offline HTML pages", DefaultValueFactory = _ => "artifacts/notebooks" };
        var parameters = new Option<string[]>("--param") { Description = "name=C# expression, injected after the cell tagged 'parameters' (repeatable)", AllowMultipleArgumentsPerToken = true };
        var timeout = new Option<int>("--timeout") { Description = "Seconds a notebook may run", DefaultValueFactory = _ => 900 };
        var run = new Command("run", "Run All in the kernel; writes executed copies and offline HTML; exit code 2 if a notebook failed (the first failed cell is named).") { paths, output, parameters, timeout };
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
                var r = NotebookRunner.RunAsync(path, new NotebookRunOptions
                {
                    OutputDirectory = result.GetValue(output)!, Parameters = values, Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
                }).GetAwaiter().GetResult();
                foreach (var c in r.Cells)
                    AnsiConsole.MarkupLineInterpolated($"  cell {c.CellIndex + 1}: {(c.Failed ? "[red]error[/]" : "ok")} ({c.Elapsed.TotalSeconds:F1} s)");
                if (r.Succeeded) AnsiConsole.MarkupLineInterpolated($"  [green]ok[/] in {r.Elapsed.TotalSeconds:F1} s → {r.ExecutedNotebookPath}, {r.HtmlPath}");
                else
                {
                    foreach (var f in r.Failures) AnsiConsole.MarkupLineInterpolated($"  [red]failed:[/] {f}");
                    if (r.ExecutedNotebookPath is not null) AnsiConsole.MarkupLineInterpolated($"  executed copy with every output: {r.ExecutedNotebookPath}");
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
