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
        IReadOnlyList<CheckpointKeyMismatch> mismatched, IReadOnlyList<string> duplicates, string? hint = null)
        : base(Compose(source, missing, unexpected, mismatched, duplicates, hint))
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

    /// <summary>Each list shows this many entries, then how many more: a wrong config mismatches hundreds of tensors.</summary>
    public const int ListedPerKind = 12;

    /// <summary>The same mismatch with a sentence on its likely cause placed under the headline.</summary>
    public CheckpointMismatchException WithHint(string hint) => new(Source, Missing, Unexpected, Mismatched, Duplicates, hint);

    private static string Compose(string source, IReadOnlyList<string> missing, IReadOnlyList<(string Key, string File)> unexpected,
        IReadOnlyList<CheckpointKeyMismatch> mismatched, IReadOnlyList<string> duplicates, string? hint)
    {
        var lines = new List<string> { $"Checkpoint {source} does not match the model; nothing was loaded." };
        if (hint is not null) lines.Add(hint);
        void Section<T>(string title, IReadOnlyList<T> items, Func<T, string> line)
        {
            if (items.Count == 0) return;
            lines.Add($"{title} ({items.Count}):");
            lines.AddRange(items.Take(ListedPerKind).Select(i => "  " + line(i)));
            if (items.Count > ListedPerKind) lines.Add($"  … and {items.Count - ListedPerKind} more");
        }
        Section("Missing keys", missing, k => k);
        Section("Unexpected keys", unexpected, u => $"{u.Key} (in {Path.GetFileName(u.File)})");
        Section("Mismatched tensors", mismatched, m =>
            $"{m.ModuleKey}: model expects {m.Expected}, checkpoint has {m.Found}" +
            (m.CheckpointKey != m.ModuleKey ? $" (checkpoint key '{m.CheckpointKey}')" : "") +
            $" in {Path.GetFileName(m.File)}");
        Section("Keys supplied by more than one checkpoint tensor", duplicates, d => d);
        return string.Join(Environment.NewLine, lines);
    }
}
