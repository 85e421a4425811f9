using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>One module tensor and the checkpoint tensor that fills it.</summary>
public sealed record CheckpointPlanItem(string ModuleKey, SafetensorsCheckpoint Checkpoint, string CheckpointKey, SafetensorsEntry Entry)
{
    public string File => Checkpoint.FileOf(CheckpointKey).FilePath;
}

/// <summary>
/// Which checkpoint tensor fills which module tensor, worked out from the safetensors headers alone. Creating a plan
/// reads no tensor data and allocates nothing on any device; a checkpoint that does not fit the module fails here
/// with every problem listed (<see cref="CheckpointMismatchException"/>), before anything is loaded.
/// </summary>
public sealed class CheckpointPlan
{
    private readonly Dictionary<string, CheckpointPlanItem> _byModuleKey;

    private CheckpointPlan(string source, Dictionary<string, CheckpointPlanItem> items, IReadOnlyList<string> skipped,
        IReadOnlyList<string> missing, IReadOnlyList<string> unexpected)
    {
        Source = source;
        _byModuleKey = items;
        Skipped = skipped;
        Missing = missing;
        Unexpected = unexpected;
    }

    public string Source { get; }

    /// <summary>Module keys to fill, in checkpoint order (file order, then offset order).</summary>
    public IReadOnlyCollection<CheckpointPlanItem> Items => _byModuleKey.Values;

    public IReadOnlyList<string> Skipped { get; }
    public IReadOnlyList<string> Missing { get; }
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Bytes of tensor data the plan reads.</summary>
    public long TotalBytes => _byModuleKey.Values.Sum(i => i.Entry.ByteLength);

    public bool TryGet(string moduleKey, out CheckpointPlanItem item) => _byModuleKey.TryGetValue(moduleKey, out item!);

    /// <param name="stateDict">The module's <c>state_dict()</c>; only shapes and dtypes are read (meta tensors are fine).</param>
    /// <param name="sources">The checkpoints and their key maps, in order.</param>
    /// <param name="strict">Every module key must be supplied and no checkpoint key may be left over. Shape and
    /// dtype-kind mismatches and keys supplied twice are errors either way.</param>
    public static CheckpointPlan Create(IReadOnlyDictionary<string, Tensor> stateDict, IReadOnlyList<CheckpointSource> sources, bool strict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (sources.Count == 0) throw new ArgumentException("No checkpoint to load from.", nameof(sources));
        var source = string.Join(" + ", sources.Select(s => s.Checkpoint.Source));
        var plan = new Dictionary<string, CheckpointPlanItem>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var unexpected = new List<(string Key, string File)>();
        var duplicates = new List<string>();
        var mismatched = new List<CheckpointKeyMismatch>();
        foreach (var (checkpoint, mapKey) in sources)
        {
            foreach (var checkpointKey in checkpoint.Keys)
            {
                var moduleKey = mapKey is null ? checkpointKey : mapKey(checkpointKey);
                var file = checkpoint.FileOf(checkpointKey).FilePath;
                if (moduleKey is null)
                {
                    skipped.Add(checkpointKey);
                    continue;
                }
                if (!stateDict.TryGetValue(moduleKey, out var target))
                {
                    unexpected.Add((moduleKey, file));
                    continue;
                }
                var entry = checkpoint.GetEntry(checkpointKey);
                if (!plan.TryAdd(moduleKey, new CheckpointPlanItem(moduleKey, checkpoint, checkpointKey, entry)))
                {
                    duplicates.Add($"{moduleKey} <- '{plan[moduleKey].CheckpointKey}' and '{checkpointKey}'");
                    continue;
                }
                var sameShape = entry.Shape.SequenceEqual(target.shape);
                var sameKind = IsFloating(entry.DType.ToScalarType()) == IsFloating(target.dtype);
                if (!sameShape || !sameKind)
                {
                    mismatched.Add(new CheckpointKeyMismatch(moduleKey, checkpointKey, file,
                        $"{target.dtype} [{string.Join(", ", target.shape)}]", $"{entry.DType} {entry.ShapeText}"));
                }
            }
        }
        var missing = stateDict.Keys.Where(k => !plan.ContainsKey(k)).ToList();
        if (mismatched.Count > 0 || duplicates.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            throw new CheckpointMismatchException(source, strict ? missing : [], strict ? unexpected : [], mismatched, duplicates);
        }
        return new CheckpointPlan(source, plan, skipped, missing, unexpected.Select(u => u.Key).ToList());
    }

    public CheckpointLoadReport Report(IReadOnlyList<string> loaded) => new(Source, loaded, Skipped, Missing, Unexpected);

    internal static bool IsFloating(ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
