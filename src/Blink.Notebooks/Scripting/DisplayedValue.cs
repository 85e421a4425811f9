using Blink.Notebooks.Execution;

namespace Blink.Notebooks.Scripting;

/// <summary>
/// The handle display(...) returns, as in the kernel. <see cref="Update"/> replaces the displayed output in place;
/// the headless runner records the final value (the end state a saved notebook would have).
/// A trailing display(x) without semicolon returns this handle, and like the kernel the runner does not show it.
/// </summary>
public sealed class DisplayedValue
{
    private readonly CellExecutionContext _cell;
    private readonly int _outputIndex;
    private readonly string[] _mimeTypes;

    internal DisplayedValue(CellExecutionContext cell, int outputIndex, string[] mimeTypes)
    {
        _cell = cell;
        _outputIndex = outputIndex;
        _mimeTypes = mimeTypes;
        DisplayId = Guid.NewGuid().ToString("N");
    }

    public string DisplayId { get; }

    public void Update(object? updatedValue) =>
        _cell.Outputs.Replace(_outputIndex, _cell.Formatter.Format(updatedValue, _mimeTypes));
}
