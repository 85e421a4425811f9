using System.CommandLine;
using System.Text.RegularExpressions;
using Blink.Cli.Commands;
using Blink.Workbench.Models;
using Spectre.Console;

return BlinkCli.Run(args);

/// <summary>The <c>blink</c> command line (also run in-process by the tests).</summary>
internal static class BlinkCli
{
    public static int Run(string[] args)
    {
        // Native settings (oneDNN kernels, OpenMP wait policy) must be in place before libtorch loads.
        TorchRuntime.EnsureConfigured();

        var root = new RootCommand("Blink Workbench: dynamic visual token resolution (Blink) for LLaVA-style models — study, train, evaluate, teach.");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);

        // `blink help [command]` is `blink [command] --help`.
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {ParseErrors.Readable(error.Message)}");
            var name = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
            AnsiConsole.MarkupLineInterpolated($"see: blink {name}--help");
            return 1;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = Console.Out, Error = Console.Error });
    }
}

internal static partial class ParseErrors
{
    /// <summary>System.CommandLine names the CLR type a value failed to parse as; say what the user should type.</summary>
    public static string Readable(string message) => ExpectedType().Replace(message, m => "as " + (m.Groups[1].Value switch
    {
        var t when t.Contains("Int32", StringComparison.Ordinal) || t.Contains("Int64", StringComparison.Ordinal) => "a whole number",
        var t when t.Contains("Double", StringComparison.Ordinal) || t.Contains("Single", StringComparison.Ordinal) => "a number (e.g. 0.25)",
        var t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        var t => t,
    }));

    [GeneratedRegex("as expected type '([^']+)'")]
    private static partial Regex ExpectedType();
}
