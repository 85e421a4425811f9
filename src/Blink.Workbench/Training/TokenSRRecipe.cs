using Blink.Workbench.Models;

namespace Blink.Workbench.Training;

/// <summary>How much of the TokenSR recipe to run, and how the feature cache is split.</summary>
public sealed record TokenSRRecipeOptions
{
    /// <summary>Shards the teacher/student extraction is split into (one machine each when run in parallel).</summary>
    public int NumChunks { get; init; } = 1;

    /// <summary>Extract only this shard (with <see cref="ExtractOnly"/>); −1 extracts every shard in turn.</summary>
    public int ChunkIndex { get; init; } = -1;

    /// <summary>Stop after extraction (a shard for a later merge).</summary>
    public bool ExtractOnly { get; init; }

    /// <summary>Skip extraction: merge the shards already in the cache, then stop.</summary>
    public bool MergeOnly { get; init; }

    /// <summary>Replace a cached shard made under another key instead of refusing it.</summary>
    public bool Rebuild { get; init; }

    /// <summary>Continue from the trainer's last checkpoint in the work folder (same thread count only).</summary>
    public bool Resume { get; init; } = true;

    public void Validate()
    {
        if (NumChunks < 1) throw new ArgumentException($"--num-chunks must be ≥ 1, got {NumChunks}.");
        if (ChunkIndex >= NumChunks) throw new ArgumentException($"--chunk-idx {ChunkIndex} is not below --num-chunks {NumChunks}.");
        if (ChunkIndex >= 0 && !ExtractOnly) throw new ArgumentException("--chunk-idx extracts one shard and needs --extract-only; training reads all shards.");
    }
}

/// <summary>Where a recipe run reports: one line per step (<paramref name="Steps"/>), frequent extraction progress, training progress.</summary>
public sealed record TokenSRRecipeProgress(
    IProgress<string>? Steps = null, IProgress<string>? Extraction = null, IProgress<TokenSRTrainingProgress>? Training = null);

/// <summary>What a recipe run produced; <see cref="Trained"/> and <see cref="BankPath"/> are null when it stopped before training.</summary>
public sealed record TokenSRRecipeResult(
    FeatureCacheKey Key, string CacheFolder, IReadOnlyList<FeatureCache.ShardResult> Shards, FeatureCache.Manifest? Manifest,
    TokenSRTrainingResult? Trained, string? BankPath);

/// <summary>
/// The TokenSR recipe in one place: key the teacher/student features by model, extraction and data; extract them
/// (sharded, cached); merge the shards; train against the crop teacher with the backbone frozen; save the bank with
/// its metadata. <c>blink train-tokensr</c>, <c>blink study</c> and notebook 02 all run it.
/// </summary>
public static class TokenSRRecipe
{
    public static TokenSRRecipeResult Run(ModelBundle bundle, TokenSRExtractionOptions extraction, ITokenSRDataSource data,
        TokenSRTrainingOptions training, string workFolder, string? bankPath = null, TokenSRRecipeOptions? options = null,
        TokenSRRecipeProgress? progress = null, CancellationToken ct = default)
    {
        var o = options ?? new TokenSRRecipeOptions();
        var log = progress?.Steps;
        o.Validate();
        log?.Report("fingerprinting the model weights…");
        var key = FeatureCacheKey.For(bundle, extraction, data);
        var cache = new FeatureCache(Path.Combine(workFolder, "cache"));
        var shards = new List<FeatureCache.ShardResult>();
        if (!o.MergeOnly)
        {
            var extractor = new TeacherStudentExtractor(bundle, extraction);
            foreach (var i in o.ChunkIndex >= 0 ? [o.ChunkIndex] : Enumerable.Range(0, o.NumChunks))
            {
                var shard = cache.ExtractShard(extractor, data, key, o.NumChunks, i, o.Rebuild, progress?.Extraction, ct);
                shards.Add(shard);
                log?.Report($"{Path.GetFileName(shard.IndexPath)}: {shard.Samples} samples, {shard.Pairs} teacher/student pairs{(shard.Reused ? " (cached)" : "")}");
            }
            if (o.ExtractOnly) return new(key, cache.Folder, shards, null, null, null);
        }
        var manifest = cache.Merge(key, o.NumChunks);
        log?.Report($"merged {manifest.Shards.Count} shard(s): {string.Join(", ", manifest.PairsPerLayer.Select(kv => $"layer {kv.Key}: {kv.Value} pairs"))}");
        if (o.MergeOnly) return new(key, cache.Folder, shards, manifest, null, null);

        using var pairs = cache.Load(key);
        var trained = new TokenSRTrainer(training, workFolder).Train(pairs, key.Hash, progress?.Training, ct, o.Resume, bundle.Model.Device);
        var path = bankPath ?? Path.Combine(workFolder, "tokensr.safetensors");
        TokenSRBankArtifact.Save(trained, path, extraction.Blink.PatchSize, training, key.Hash, bundle.ModelId);
        return new(key, cache.Folder, shards, manifest, trained, path);
    }
}
