using Blink.Notebooks.Documents;

namespace Blink.Notebooks.Execution;

/// <summary>
/// Collects a cell's outputs in the order they happen. Consecutive writes to the same stream are merged into one
/// stream output, which is how VS Code saves them.
/// </summary>
internal sealed class CellOutputCollector
{
    private readonly object _gate = new();
    private readonly List<CellOutput> _outputs = new();

    public void AppendStream(string name, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            if (_outputs.Count > 0 && _outputs[^1] is StreamOutput last && last.Name == name)
                _outputs[^1] = last with { Text = last.Text + text };
            else
                _outputs.Add(new StreamOutput(name, text));
        }
    }

    /// <summary>Adds an output and returns its position, which <see cref="Replace"/> takes (display handles' Update).</summary>
    public int Add(CellOutput output)
    {
        lock (_gate)
        {
            _outputs.Add(output);
            return _outputs.Count - 1;
        }
    }

    public void Replace(int index, CellOutput output)
    {
        lock (_gate) _outputs[index] = output;
    }

    public IReadOnlyList<CellOutput> Snapshot()
    {
        lock (_gate) return _outputs.ToList();
    }
}
