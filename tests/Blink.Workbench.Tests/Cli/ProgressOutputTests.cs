using System.Text.RegularExpressions;
using Blink.Cli.Commands;
using Blink.Workbench.Tests.Evaluation;
using Spectre.Console;

namespace Blink.Workbench.Tests.Cli;

/// <summary>Long stages print counted progress with elapsed time and ETA, as plain lines when output is redirected.</summary>
[Collection("Torch")]
public sealed class ProgressOutputTests
{
    [Fact]
    public void Testbed_generation_counts_every_split_with_an_eta_in_plain_lines()
    {
        using var temp = new TempFolder();
        var (code, output) = CliRunner.Run("testbed", "--out", temp.File("tb"), "--train", "3", "--val", "2", "--test", "2");
        Assert.True(code == 0, output);
        foreach (var split in new[] { "train samples: 3/3", "val samples: 2/2", "test samples: 2/2" })
            Assert.Matches(new Regex(Regex.Escape(split) + @"  elapsed \d+:\d\d  ETA 0:00"), output);
        // Redirected output carries no carriage returns or cursor movement (no spinner or live bar).
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain("\u001b[", output);
    }

    [Fact]
    public void Counted_progress_extrapolates_the_rate_and_always_prints_the_last_report()
    {
        var writer = new StringWriter();
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });
        try
        {
            var printer = new ProgressPrinter(TimeSpan.FromHours(1));
            printer.Count("work", 1, 4);
            Thread.Sleep(1100);
            printer.Count("work", 2, 4); // throttled: within the hour since the first line
            printer.Count("work", 4, 4);
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("work: 1/4  elapsed 0:00  ETA …", lines[0]);
        Assert.Matches(@"work: 4/4  elapsed 0:0[1-9]  ETA 0:00", lines[1]);
    }
}
