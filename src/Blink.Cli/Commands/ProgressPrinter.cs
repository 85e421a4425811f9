using System.Diagnostics;
using Blink.Workbench.IO;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary>
/// Progress of every long stage, in one place: timestamped lines throttled to one every few seconds, so output stays
/// readable when redirected or in CI (no animation, no carriage returns), and every counted stage says its elapsed
/// time and ETA.
/// </summary>
internal sealed class ProgressPrinter(TimeSpan? every = null)
{
    private readonly TimeSpan _every = every ?? TimeSpan.FromSeconds(5);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, (TimeSpan Start, double Done)> _starts = new(StringComparer.Ordinal);
    private DateTime _last = DateTime.MinValue;

    public void Line(string text, bool force = false)
    {
        if (!force && DateTime.UtcNow - _last < _every) return;
        _last = DateTime.UtcNow;
        AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {text}");
    }

    /// <summary>
    /// <paramref name="done"/> of <paramref name="total"/> with elapsed time and ETA. The rate counts from this label's
    /// first report, so work a resumed run found done does not shorten the ETA; the last report always prints.
    /// </summary>
    public void Count(string label, double done, double total, string unit = "")
    {
        var now = _clock.Elapsed;
        if (!_starts.TryGetValue(label, out var start))
        {
            // The first report comes after the first unit of work: count from one unit earlier.
            start = (now, Math.Max(0, done - 1));
            _starts[label] = start;
        }
        var elapsed = now - start.Start;
        var rate = (done - start.Done) / Math.Max(elapsed.TotalSeconds, 1e-6);
        var eta = done >= total ? "0:00" : rate > 0 && elapsed.TotalSeconds > 0 ? Eta(TimeSpan.FromSeconds((total - done) / rate)) : "…";
        Line(FormattableString.Invariant($"{label}: {done:0}/{total:0}{unit}  elapsed {Eta(elapsed)}  ETA {eta}"), force: done >= total);
    }

    /// <summary>Weight loading for <c>ModelBundle.Load</c>: megabytes read, elapsed, ETA.</summary>
    public Action<CheckpointLoadProgress> Weights => p => Count("loading weights", p.BytesDone / 1e6, p.BytesTotal / 1e6, " MB");

    /// <summary>For a sequence of (done, total) reports under one label.</summary>
    public IProgress<(int Done, int Total)> Counter(string label) => new SynchronousProgress<(int Done, int Total)>(p => Count(label, p.Done, p.Total));

    public static string Eta(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
