using System.Text.Json;
using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>
/// A checkpoint made of one or more safetensors files: a single file, a folder with <c>model.safetensors</c>, or a
/// folder with <c>model.safetensors.index.json</c> and its shards. All headers are read and validated on open, so
/// keys, dtypes and shapes are known before any tensor data is touched.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    private readonly Dictionary<string, SafetensorsFile> _fileOfKey;
    private readonly List<SafetensorsFile> _files;

    private SafetensorsCheckpoint(string source, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileOfKey)
    {
        Source = source;
        _files = files;
        _fileOfKey = fileOfKey;
    }

    /// <summary>The path the checkpoint was opened from (file or folder).</summary>
    public string Source { get; }

    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Every tensor key, in file order then offset order.</summary>
    public IEnumerable<string> Keys => _files.SelectMany(f => f.Entries.Select(e => e.Name)).Where(k => _fileOfKey.ContainsKey(k));

    public int Count => _fileOfKey.Count;

    public bool Contains(string key) => _fileOfKey.ContainsKey(key);

    public SafetensorsEntry GetEntry(string key) => FileOf(key).GetEntry(key);

    /// <summary>The shard that holds <paramref name="key"/>.</summary>
    public SafetensorsFile FileOf(string key) =>
        _fileOfKey.TryGetValue(key, out var file)
            ? file
            : throw new KeyNotFoundException($"{Source}: checkpoint has no tensor named '{key}'");

    public Tensor ReadTensor(string key, ScalarType? dtype = null, Device? device = null) =>
        FileOf(key).ReadTensor(key, dtype, device);

    /// <summary>
    /// Opens a checkpoint. <paramref name="path"/> may be a <c>.safetensors</c> file, a <c>.index.json</c> file, or a
    /// folder holding <c>model.safetensors.index.json</c> (preferred) or <c>model.safetensors</c>.
    /// </summary>
    public static SafetensorsCheckpoint Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var index = Path.Combine(full, SafetensorsWriter.IndexFileName);
            var single = Path.Combine(full, SafetensorsWriter.SingleFileName);
            if (File.Exists(index))
            {
                return OpenIndex(index);
            }
            if (File.Exists(single))
            {
                return OpenSingle(single);
            }
            throw new FileNotFoundException(
                $"{full}: no checkpoint found (expected {SafetensorsWriter.IndexFileName} or {SafetensorsWriter.SingleFileName})", index);
        }
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Checkpoint not found: {full}", full);
        }
        return full.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? OpenIndex(full) : OpenSingle(full);
    }

    private static SafetensorsCheckpoint OpenSingle(string file)
    {
        var opened = SafetensorsFile.Open(file);
        return new SafetensorsCheckpoint(file, [opened], opened.Keys.ToDictionary(k => k, _ => opened, StringComparer.Ordinal));
    }

    private static SafetensorsCheckpoint OpenIndex(string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var folder = Path.GetDirectoryName(indexPath)!;
        var files = new List<SafetensorsFile>();
        try
        {
            var byShard = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var shard in weightMap.Values.Distinct().Order(StringComparer.Ordinal))
            {
                var shardPath = Path.Combine(folder, shard);
                if (!File.Exists(shardPath))
                {
                    var keys = weightMap.Where(kv => kv.Value == shard).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
                    throw new CheckpointFormatException(indexPath, null,
                        $"shard '{shard}' named in weight_map does not exist ({shardPath}); it should hold {keys.Count} tensor(s), e.g. '{keys[0]}'");
                }
                var opened = SafetensorsFile.Open(shardPath);
                files.Add(opened);
                byShard[shard] = opened;
            }
            var fileOfKey = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            var problems = new List<string>();
            foreach (var (key, shard) in weightMap)
            {
                var file = byShard[shard];
                if (!file.Contains(key))
                {
                    problems.Add($"'{key}' is mapped to {shard}, which has no such tensor");
                }
                fileOfKey[key] = file;
            }
            foreach (var file in files)
            {
                foreach (var key in file.Keys)
                {
                    if (!weightMap.TryGetValue(key, out var shard))
                    {
                        problems.Add($"{Path.GetFileName(file.FilePath)} holds '{key}', which weight_map does not list");
                    }
                    else if (!string.Equals(Path.Combine(folder, shard), file.FilePath, StringComparison.Ordinal))
                    {
                        problems.Add($"{Path.GetFileName(file.FilePath)} holds '{key}', which weight_map assigns to {shard}");
                    }
                }
            }
            if (problems.Count > 0)
            {
                throw new CheckpointFormatException(indexPath, null,
                    "index and shards disagree:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
            }
            return new SafetensorsCheckpoint(indexPath, files, fileOfKey);
        }
        catch
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
            throw;
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(indexPath));
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(indexPath, null,
                $"index is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException(indexPath, null, "index has no 'weight_map' object");
            }
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in map.EnumerateObject())
            {
                var shard = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : "";
                // Shard names must stay inside the checkpoint folder: "../x" or absolute paths are refused.
                if (shard.Length == 0 || shard != Path.GetFileName(shard))
                {
                    throw new CheckpointFormatException(indexPath, item.Name, $"weight_map entry {item.Value.GetRawText()} is not a plain shard file name");
                }
                result[item.Name] = shard;
            }
            return result;
        }
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }
}
