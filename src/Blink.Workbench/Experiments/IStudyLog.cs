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

    /// <summary>Something the reader should know that did not stop the run.</summary>
    void Warning(string text);
}
