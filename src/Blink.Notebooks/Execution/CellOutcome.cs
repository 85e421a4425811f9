namespace Blink.Notebooks.Execution;

/// <summary>How one C# cell ended; <see cref="Failure"/> is null when it succeeded.</summary>
internal sealed record CellOutcome(CellFailureKind? Failure, string? Message)
{
    public static CellOutcome Success { get; } = new(null, null);

    public static CellOutcome Failed(CellFailureKind kind, string message) => new(kind, message);
}
