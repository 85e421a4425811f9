namespace Blink.Notebooks;

/// <summary>Reported before (<see cref="CellRunResult"/> null) and after each code cell runs.</summary>
public sealed record NotebookProgress(string NotebookPath, int CellIndex, int CellCount, string? CellId, CellRunResult? Result);
