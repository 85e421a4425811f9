using System.CommandLine;
using Blink.Workbench.Reporting;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary><c>blink report --run DIR</c>: rebuilds a run folder's report.html from its JSON files.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (run.json, pilot.json, results.json files, traces.json, training.json)", Required = true };
        var command = new Command("report", "Rebuild the self-contained report.html of a run folder from its JSON files.") { run };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var path = StudyRunFolder.RebuildReport(result.GetValue(run)!);
            AnsiConsole.MarkupLineInterpolated($"wrote [green]{path}[/]");
            return 0;
        }));
        return command;
    }
}
