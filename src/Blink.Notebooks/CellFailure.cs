namespace Blink.Notebooks;

/// <summary>
/// Why a notebook failed: the notebook, the cell (0-based <see cref="CellIndex"/> in the executed notebook, which
/// includes an injected-parameters cell; -1 when no cell is concerned) and the cause.
/// </summary>
public sealed record CellFailure(string Notebook, int CellIndex, string? CellId, CellFailureKind Kind, string Message)
{
    /// <summary>One line, e.g. "03-evaluate-blink.ipynb, cell 12 (id c0011): CellError: System.ArgumentException: ...".</summary>
    public override string ToString()
    {
        var firstLine = Message.Split('\n', 2)[0].TrimEnd('\r');
        var more = Message.Contains('\n') ? " …" : "";
        var cell = CellIndex < 0 ? "" : $", cell {CellIndex + 1}{(CellId is null ? "" : $" (id {CellId})")}";
        return $"{Notebook}{cell}: {Kind}: {firstLine}{more}";
    }
}
