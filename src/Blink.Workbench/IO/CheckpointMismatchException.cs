namespace Blink.Workbench.IO;

/// <summary>One state-dict key whose checkpoint tensor cannot be loaded into the module's tensor.</summary>
public sealed record CheckpointKeyMismatch(string ModuleKey, string CheckpointKey, string File, string Expected, string Found);

/// <summary>
/// A checkpoint does not fit a module. Raised before anything is copied, and lists <em>every</em> problem at once:
/// missing keys, unexpected keys, shape or dtype-kind mismatches and keys that two checkpoint names map onto.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    public CheckpointMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<(string Key, string File)> unexpected,
        IReadOnlyList<CheckpointKeyMismatch> mismatched, IReadOnlyList<string> duplicates)
        : base(Compose(source, missing, unexpected, mismatched, duplicates))
    {
        Source = source;
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
        Duplicates = duplicates;
    }

    /// <summary>The checkpoint file or folder.</summary>
    public new string Source { get; }

    /// <summary>Module keys the checkpoint does not provide.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Checkpoint keys (after remapping) the module does not have, with the shard holding each.</summary>
    public IReadOnlyList<(string Key, string File)> Unexpected { get; }

    public IReadOnlyList<CheckpointKeyMismatch> Mismatched { get; }

    /// <summary>Module keys that more than one checkpoint key maps onto.</summary>
    public IReadOnlyList<string> Duplicates { get; }

    private static string Compose(string source, IReadOnlyList<string> missing, IReadOnlyList<(string Key, string File)> unexpected,
        IReadOnlyList<CheckpointKeyMismatch> mismatched, IReadOnlyList<string> duplicates)
    {
        var lines = new List<string> { $"Checkpoint {source} does not match the model; nothing was loaded." };
        if (missing.Count > 0)
        {
            lines.Add($"Missing keys ({missing.Count}):");
            lines.AddRange(missing.Select(k => "  " + k));
        }
        if (unexpected.Count > 0)
        {
            lines.Add($"Unexpected keys ({unexpected.Count}):");
            lines.AddRange(unexpected.Select(u => $"  {u.Key} (in {Path.GetFileName(u.File)})"));
        }
        if (mismatched.Count > 0)
        {
            lines.Add($"Mismatched tensors ({mismatched.Count}):");
            lines.AddRange(mismatched.Select(m =>
                $"  {m.ModuleKey}: model expects {m.Expected}, checkpoint has {m.Found}" +
                (m.CheckpointKey != m.ModuleKey ? $" (checkpoint key '{m.CheckpointKey}')" : "") +
                $" in {Path.GetFileName(m.File)}"));
        }
        if (duplicates.Count > 0)
        {
            lines.Add($"Keys supplied by more than one checkpoint tensor ({duplicates.Count}):");
            lines.AddRange(duplicates.Select(d => "  " + d));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
