namespace Blink.Notebooks;

/// <summary>What happened to one cell of the executed notebook (0-based <see cref="CellIndex"/>).</summary>
public sealed record CellRunResult(int CellIndex, string? CellId, CellRunStatus Status, TimeSpan Elapsed);
