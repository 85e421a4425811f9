using System.Diagnostics;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Cli.Commands;

/// <summary>
/// Answering progress with rate and ETA per method. The rate counts only questions answered in this process, so a
/// resumed run does not promise an ETA from answers an earlier run wrote.
/// </summary>
internal sealed class EvalProgressPrinter(ProgressPrinter printer) : IProgress<EvaluationProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string? _method;
    private TimeSpan _methodStart;
    private TimeSpan _last;
    private int _doneAtStart;

    public void Report(EvaluationProgress p)
    {
        var now = _clock.Elapsed;
        if (p.Method != _method)
        {
            // The previous method's last answer is when this one began (the first report comes after one answer).
            _method = p.Method;
            _methodStart = _last;
            _doneAtStart = p.Done - 1;
            printer.Line($"{p.Method}: answering {p.Total - _doneAtStart} of {p.Total} questions", force: true);
        }
        _last = now;
        var answered = p.Done - _doneAtStart;
        var elapsed = now - _methodStart;
        var perSecond = answered / Math.Max(elapsed.TotalSeconds, 1e-6);
        var remaining = TimeSpan.FromSeconds((p.Total - p.Done) / Math.Max(perSecond, 1e-9));
        printer.Line($"{p.Method}: {p.Done}/{p.Total}  {perSecond:F2} q/s  elapsed {ProgressPrinter.Eta(elapsed)}  ETA {ProgressPrinter.Eta(remaining)}",
            force: p.Done == p.Total);
    }
}
