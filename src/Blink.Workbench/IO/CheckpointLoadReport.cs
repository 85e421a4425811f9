namespace Blink.Workbench.IO;

/// <summary>What a checkpoint load did: keys loaded, keys dropped by the key map, and (non-strict loads only) gaps.</summary>
public sealed record CheckpointLoadReport(
    string Source,
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected);
