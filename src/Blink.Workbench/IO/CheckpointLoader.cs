using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>
/// Loads safetensors checkpoints into a module's <c>state_dict()</c> and saves it back. Loading validates every key,
/// shape and dtype kind from the headers first and only then copies, tensor by tensor (each source tensor is
/// disposed right after its copy), converting to the parameter's dtype and device. A checkpoint that does not fit
/// therefore never half-loads a model.
/// </summary>
public static class CheckpointLoader
{
    /// <summary>Hugging Face's default shard limit when saving to a folder.</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> (file, index or folder) into <paramref name="module"/>.
    /// </summary>
    /// <param name="module">The module whose <c>state_dict()</c> tensors are overwritten in place.</param>
    /// <param name="path">A <c>.safetensors</c> file, a <c>.index.json</c> file or a checkpoint folder.</param>
    /// <param name="mapKey">Maps a checkpoint key to the module key to load it into; null return = ignore that tensor
    /// (e.g. weights the model does not use). Identity when omitted.</param>
    /// <param name="strict">Strict: every module key must be supplied and no checkpoint key may be left over.
    /// Shape and dtype-kind mismatches are errors either way.</param>
    public static CheckpointLoadReport Load(nn.Module module, string path, Func<string, string?>? mapKey = null, bool strict = true)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(path);
        return Load(module, checkpoint, mapKey, strict);
    }

    public static CheckpointLoadReport Load(nn.Module module, SafetensorsCheckpoint checkpoint, Func<string, string?>? mapKey = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var stateDict = module.state_dict();
        var plan = CheckpointPlan.Create(stateDict, [new CheckpointSource(checkpoint, mapKey)], strict);

        // Copy, one tensor at a time. copy_ converts dtype and moves across devices in one step.
        var loaded = new List<string>(plan.Items.Count);
        using (torch.no_grad())
        {
            foreach (var item in plan.Items)
            {
                using var source = item.Checkpoint.ReadTensor(item.CheckpointKey);
                stateDict[item.ModuleKey].copy_(source);
                loaded.Add(item.ModuleKey);
            }
        }
        return plan.Report(loaded);
    }

    /// <summary>
    /// Saves the module's state dict atomically. A path ending in <c>.safetensors</c> gets one file; any other path is
    /// treated as a folder and gets Hugging Face-style shards of at most <paramref name="maxShardBytes"/> (one
    /// <c>model.safetensors</c> when everything fits).
    /// </summary>
    public static IReadOnlyList<string> Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null,
        long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(module);
        var stateDict = module.state_dict();
        var ordered = stateDict.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            SafetensorsWriter.Write(path, ordered, metadata);
            return [Path.GetFullPath(path)];
        }
        return SafetensorsWriter.WriteSharded(path, ordered, maxShardBytes, metadata);
    }

    /// <summary>Extension form of <see cref="Load(nn.Module, string, Func{string, string?}?, bool)"/>.</summary>
    public static CheckpointLoadReport LoadCheckpoint(this nn.Module module, string path, Func<string, string?>? mapKey = null, bool strict = true) =>
        Load(module, path, mapKey, strict);

    /// <summary>Extension form of <see cref="Save"/>.</summary>
    public static IReadOnlyList<string> SaveCheckpoint(this nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(module, path, metadata);
}
