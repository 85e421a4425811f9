namespace Blink.Workbench.Experiments;

/// <summary>Where a study tells its caller what it does: the console for <c>blink study</c>, a list in tests.</summary>
public interface IStudyLog
{
    /// <summary>A stage begins.</summary>
    void Stage(string title);

    /// <summary>A result worth reading (band, thresholds, losses, accuracies): always shown.</summary>
    void Result(string text);

    /// <summary>Progress inside a stage; a console may thin these out. <paramref name="last"/>: the stage's final count.</summary>
    void Progress(string text, bool last = false);

    /// <summary>Counted progress inside a stage; a console adds elapsed time and an ETA.</summary>
    void Count(string label, double done, double total, string unit = "") =>
        Progress(FormattableString.Invariant($"{label}: {done:0}/{total:0}{unit}"), done >= total);

    /// <summary>Something the reader should know that did not stop the run.</summary>
    void Warning(string text);
}
