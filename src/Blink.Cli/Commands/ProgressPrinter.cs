using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary>Progress lines for long work: throttled to one line every few seconds so logs stay readable in CI too.</summary>
internal sealed class ProgressPrinter(TimeSpan? every = null)
{
    private readonly TimeSpan _every = every ?? TimeSpan.FromSeconds(5);
    private DateTime _last = DateTime.MinValue;

    public void Line(string text, bool force = false)
    {
        if (!force && DateTime.UtcNow - _last < _every) return;
        _last = DateTime.UtcNow;
        AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {text}");
    }

    public static string Eta(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
