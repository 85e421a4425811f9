using Blink.Workbench.IO;
using Blink.Workbench.Text;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary>Runs a command body; expected failures (bad input, bad options) print one clear line and exit 1.</summary>
internal static class CliErrors
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or InvalidOperationException or IOException or KeyNotFoundException
                                   or CheckpointFormatException or CheckpointMismatchException or TokenizerFormatException
                                   or Blink.Workbench.Evaluation.BenchmarkFormatException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            if (Environment.GetEnvironmentVariable("BLINK_DEBUG") == "1") Console.Error.WriteLine(e);
            return 1;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]: progress so far is saved where the command saves it.");
            return 130;
        }
    }
}
