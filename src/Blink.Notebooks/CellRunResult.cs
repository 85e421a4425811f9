namespace Blink.Notebooks;

/// <summary>One code cell of the executed notebook (0-based <see cref="CellIndex"/>): whether it produced an error
/// output, and how long the kernel took for it (from dotnet-repl's start/end stamps; zero when not stamped).</summary>
public sealed record CellRunResult(int CellIndex, string? CellId, bool Failed, TimeSpan Elapsed);
