namespace Blink.Notebooks.Execution;

/// <summary>
/// What the notebook-facing helpers (display, Console) write into while a cell runs. It travels with the
/// ExecutionContext (AsyncLocal), so output from tasks and threads a cell starts lands in that cell, and two runners
/// in one process (parallel tests) never see each other's output.
/// </summary>
internal sealed class CellExecutionContext(CellOutputCollector outputs, DisplayFormatter formatter)
{
    private static readonly AsyncLocal<CellExecutionContext?> CurrentContext = new();

    public static CellExecutionContext? Current
    {
        get => CurrentContext.Value;
        set => CurrentContext.Value = value;
    }

    public CellOutputCollector Outputs { get; } = outputs;
    public DisplayFormatter Formatter { get; } = formatter;
}
