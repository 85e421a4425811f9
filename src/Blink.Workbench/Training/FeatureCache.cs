using System.Text.Json;
using System.Text.Json.Serialization;
using Blink.Workbench.Evaluation;
using Blink.Workbench.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// Teacher/student features on disk. Extraction is split into chunks with LLaVA's num-chunks/chunk-idx rule, so each
/// chunk can run as an array job; a chunk becomes a shard: <c>shard-0000i-of-0000n.safetensors</c> (per layer
/// <c>layer_{L}.student</c> [N, D, p, p] and <c>layer_{L}.teacher</c> [N, D, s·p, s·p]) and <c>….json</c> (the key,
/// the sample range and one <see cref="TokenSRPairInfo"/> per pair). Both are written atomically, tensors first, so a
/// shard whose JSON exists is complete. <see cref="Merge"/> checks that all n shards exist under the same key and
/// writes <c>manifest.json</c>; <see cref="Load"/> reads every shard the manifest names. Each shard and the manifest
/// carry the <see cref="FeatureCacheKey"/>; a cache built under another key is never used silently.
/// </summary>
public sealed class FeatureCache(string folder)
{
    public const string ManifestFile = "manifest.json";
    public const int Format = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Folder { get; } = folder;

    public static string ShardStem(int numChunks, int chunkIdx) => $"shard-{chunkIdx + 1:D5}-of-{numChunks:D5}";

    public sealed record ShardIndex(
        [property: JsonPropertyName("format")] int Format,
        [property: JsonPropertyName("key")] FeatureCacheKey Key,
        [property: JsonPropertyName("key_hash")] string KeyHash,
        [property: JsonPropertyName("num_chunks")] int NumChunks,
        [property: JsonPropertyName("chunk_idx")] int ChunkIdx,
        [property: JsonPropertyName("sample_start")] int SampleStart,
        [property: JsonPropertyName("sample_count")] int SampleCount,
        [property: JsonPropertyName("tensors")] string? Tensors,
        [property: JsonPropertyName("pairs")] IReadOnlyList<TokenSRPairInfo> Pairs);

    public sealed record Manifest(
        [property: JsonPropertyName("format")] int Format,
        [property: JsonPropertyName("key")] FeatureCacheKey Key,
        [property: JsonPropertyName("key_hash")] string KeyHash,
        [property: JsonPropertyName("num_chunks")] int NumChunks,
        [property: JsonPropertyName("shards")] IReadOnlyList<string> Shards,
        [property: JsonPropertyName("pairs_per_layer")] IReadOnlyDictionary<string, int> PairsPerLayer);

    /// <param name="Reused">The shard existed under the same key and nothing was extracted.</param>
    public sealed record ShardResult(string IndexPath, int Samples, int Pairs, bool Reused);

    /// <summary>
    /// Makes shard <paramref name="chunkIdx"/> of <paramref name="numChunks"/> unless it already exists under the same
    /// key. An existing shard under another key is an error naming the differing fields — or, with
    /// <paramref name="rebuild"/>, is replaced.
    /// </summary>
    public ShardResult ExtractShard(TeacherStudentExtractor extractor, ITokenSRDataSource data, FeatureCacheKey key, int numChunks, int chunkIdx,
        bool rebuild = false, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var indices = Enumerable.Range(0, data.Count).ToArray();
        var chunk = Chunking.GetChunk(indices, numChunks, chunkIdx);
        var stem = ShardStem(numChunks, chunkIdx);
        var indexPath = Path.Combine(Folder, stem + ".json");
        if (File.Exists(indexPath))
        {
            var existing = ReadShard(indexPath);
            var diff = existing.Key.Differences(key);
            if (diff.Count == 0) return new ShardResult(indexPath, existing.SampleCount, existing.Pairs.Count, Reused: true);
            if (!rebuild) throw Mismatch(indexPath, diff);
            progress?.Report($"{stem}: cached under another key ({string.Join("; ", diff)}), rebuilding");
        }
        Directory.CreateDirectory(Folder);
        var pairs = new List<TokenSRPair>();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < chunk.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                using var sample = data.Get(chunk[i]);
                pairs.AddRange(extractor.Extract(sample, chunk[i]));
                if ((i + 1) % 25 == 0 || i + 1 == chunk.Count)
                {
                    var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / (i + 1) * (chunk.Count - i - 1));
                    progress?.Report($"{stem}: extracted {i + 1}/{chunk.Count} samples ({pairs.Count} pairs), ETA {eta:m\\:ss}");
                }
            }
            string? tensorFile = null;
            if (pairs.Count > 0)
            {
                tensorFile = stem + ".safetensors";
                using var set = TokenSRPairSet.FromPairs(pairs);
                var tensors = new List<KeyValuePair<string, Tensor>>();
                foreach (var layer in set.Layers)
                {
                    tensors.Add(new(TensorName(layer, "student"), set.Students(layer)));
                    tensors.Add(new(TensorName(layer, "teacher"), set.Teachers(layer)));
                }
                SafetensorsWriter.Write(Path.Combine(Folder, tensorFile), tensors, new Dictionary<string, string> { ["key_hash"] = key.Hash });
            }
            // Infos grouped by layer, in the order the tensors hold them.
            var infos = pairs.Select(p => p.Info).OrderBy(p => p.Layer).ToArray();
            var index = new ShardIndex(Format, key, key.Hash, numChunks, chunkIdx, chunk.Count > 0 ? chunk[0] : 0, chunk.Count, tensorFile, infos);
            AtomicFile.WriteAllText(indexPath, JsonSerializer.Serialize(index, Json));
            return new ShardResult(indexPath, chunk.Count, pairs.Count, Reused: false);
        }
        finally
        {
            foreach (var p in pairs) p.Dispose();
        }
    }

    /// <summary>Checks that all shards of <paramref name="numChunks"/> exist under <paramref name="key"/> and cover the data; writes the manifest.</summary>
    public Manifest Merge(FeatureCacheKey key, int numChunks)
    {
        var shards = new List<ShardIndex>();
        var missing = new List<int>();
        for (var i = 0; i < numChunks; i++)
        {
            var path = Path.Combine(Folder, ShardStem(numChunks, i) + ".json");
            if (!File.Exists(path)) { missing.Add(i); continue; }
            var shard = ReadShard(path);
            var diff = shard.Key.Differences(key);
            if (diff.Count > 0) throw Mismatch(path, diff);
            shards.Add(shard);
        }
        if (missing.Count > 0)
            throw new InvalidOperationException($"{Folder}: shard(s) {string.Join(", ", missing)} of {numChunks} are missing; run train-tokensr --extract-only --num-chunks {numChunks} --chunk-idx i for each.");
        var expected = 0;
        foreach (var s in shards.Where(s => s.SampleCount > 0))
        {
            if (s.SampleStart != expected) throw new InvalidDataException($"{Folder}: shard {s.ChunkIdx} starts at sample {s.SampleStart}, expected {expected}.");
            expected += s.SampleCount;
        }
        if (expected != key.Count) throw new InvalidDataException($"{Folder}: the shards hold {expected} samples but the key says {key.Count}.");
        var perLayer = key.Layers.ToDictionary(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture), l => shards.Sum(s => s.Pairs.Count(p => p.Layer == l)));
        var manifest = new Manifest(Format, key, key.Hash, numChunks, shards.Select(s => ShardStem(numChunks, s.ChunkIdx)).ToArray(), perLayer);
        AtomicFile.WriteAllText(Path.Combine(Folder, ManifestFile), JsonSerializer.Serialize(manifest, Json));
        return manifest;
    }

    /// <summary>Reads every shard of the manifest into memory; the manifest's key must equal <paramref name="expected"/>.</summary>
    public TokenSRPairSet Load(FeatureCacheKey expected)
    {
        var manifestPath = Path.Combine(Folder, ManifestFile);
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"{manifestPath} not found: extract the features and merge the shards first (train-tokensr --merge).");
        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath)) ?? throw new InvalidDataException($"{manifestPath}: empty manifest.");
        var diff = manifest.Key.Differences(expected);
        if (diff.Count > 0) throw Mismatch(manifestPath, diff);
        var students = new Dictionary<int, List<Tensor>>();
        var teachers = new Dictionary<int, List<Tensor>>();
        var infos = new Dictionary<int, List<TokenSRPairInfo>>();
        try
        {
            foreach (var stem in manifest.Shards)
            {
                var indexPath = Path.Combine(Folder, stem + ".json");
                var shard = ReadShard(indexPath);
                if (shard.KeyHash != manifest.KeyHash) throw new FeatureCacheMismatchException($"{indexPath} was rewritten under another key after the merge; merge again.");
                if (shard.Tensors is null) continue;
                using var file = SafetensorsFile.Open(Path.Combine(Folder, shard.Tensors));
                if (!file.Metadata.TryGetValue("key_hash", out var hash) || hash != shard.KeyHash)
                    throw new FeatureCacheMismatchException($"{file.FilePath} does not belong to {indexPath} (key hash {hash ?? "missing"}); extract the shard again.");
                foreach (var layer in shard.Pairs.Select(p => p.Layer).Distinct())
                {
                    var layerInfos = shard.Pairs.Where(p => p.Layer == layer).ToArray();
                    var s = file.ReadTensor(TensorName(layer, "student"), ScalarType.Float32);
                    var t = file.ReadTensor(TensorName(layer, "teacher"), ScalarType.Float32);
                    if (s.shape[0] != layerInfos.Length || t.shape[0] != layerInfos.Length)
                        throw new InvalidDataException($"{file.FilePath}: layer {layer} holds {s.shape[0]} pairs but the index lists {layerInfos.Length}.");
                    Add(students, layer, s);
                    Add(teachers, layer, t);
                    if (!infos.TryGetValue(layer, out var list)) infos[layer] = list = [];
                    list.AddRange(layerInfos);
                }
            }
            return new TokenSRPairSet(infos.Keys.Order().Select(l => (l, Cat(students[l]), Cat(teachers[l]), infos[l].ToArray())).ToArray());
        }
        finally
        {
            foreach (var t in students.Values.Concat(teachers.Values).SelectMany(x => x)) t.Dispose();
        }
    }

    private static Tensor Cat(List<Tensor> parts) => parts.Count == 1 ? parts[0].clone() : torch.cat(parts, 0);

    private static void Add(Dictionary<int, List<Tensor>> map, int layer, Tensor t)
    {
        if (!map.TryGetValue(layer, out var list)) map[layer] = list = [];
        list.Add(t);
    }

    public static string TensorName(int layer, string what) => $"layer_{layer}.{what}";

    public static ShardIndex ReadShard(string path)
    {
        try
        {
            var shard = JsonSerializer.Deserialize<ShardIndex>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty shard index.");
            if (shard.Format != Format) throw new InvalidDataException($"{path}: feature cache format {shard.Format}, this build reads {Format}; extract again.");
            return shard;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static FeatureCacheMismatchException Mismatch(string path, IReadOnlyList<string> diff) => new(
        $"{path} holds TokenSR features made under a different setting ({string.Join("; ", diff)}). " +
        "Delete the cache folder, choose another --work folder, or pass --rebuild-cache to extract again.");
}
