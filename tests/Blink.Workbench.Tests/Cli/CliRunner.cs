using Blink.Cli;
using Spectre.Console;

namespace Blink.Workbench.Tests.Cli;

/// <summary>Runs the <c>blink</c> command line in-process and returns its exit code and everything it printed.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var previousConsole = AnsiConsole.Console;
        var (previousOut, previousError) = (Console.Out, Console.Error);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 1000; // no wrapping inside the messages the tests look for
        AnsiConsole.Console = console;
        Console.SetOut(writer);
        Console.SetError(writer);
        var threads = TorchSharp.torch.get_num_threads();
        try
        {
            var code = BlinkCli.Run(args);
            return (code, writer.ToString());
        }
        finally
        {
            AnsiConsole.Console = previousConsole;
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            TorchSharp.torch.set_num_threads(threads);
        }
    }
}
