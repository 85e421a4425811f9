namespace Blink.Notebooks;

/// <summary>A failed cell. <see cref="CellIndex"/> is 0-based in the executed notebook (which includes an injected-parameters cell).</summary>
public sealed record CellFailure(int CellIndex, string? CellId, CellFailureKind Kind, string Message)
{
    /// <summary>One line a CLI can print, e.g. "cell 4 (id 1a2b3c4d): CompilationError: (1,1): error CS0103: ...".</summary>
    public override string ToString()
    {
        var firstLine = Message.Split('\n', 2)[0];
        var more = Message.Contains('\n') ? " …" : "";
        return $"cell {CellIndex + 1}{(CellId is null ? "" : $" (id {CellId})")}: {Kind}: {firstLine}{more}";
    }
}
