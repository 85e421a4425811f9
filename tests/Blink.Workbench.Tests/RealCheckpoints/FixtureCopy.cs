using System.Text.Json.Nodes;
using Blink.Workbench.IO;
using Blink.Workbench.Tests.IO;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>A writable copy of the llava-tiny-hf fixture (without the golden outputs) that a test may break.</summary>
internal sealed class FixtureCopy : IDisposable
{
    public const string Shard1 = "model-00001-of-00002.safetensors";
    public const string Shard2 = "model-00002-of-00002.safetensors";
    public const string Index = "model.safetensors.index.json";

    private readonly TempFolder _folder = new();

    public FixtureCopy()
    {
        foreach (var file in Directory.GetFiles(FixturePaths.LlavaTinyHf))
            System.IO.File.Copy(file, System.IO.Path.Combine(_folder.Path, System.IO.Path.GetFileName(file)));
    }

    public string Path => _folder.Path;

    public string File(string name) => _folder.File(name);

    /// <summary>Edits a JSON file of the copy in place.</summary>
    public void EditJson(string name, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(System.IO.File.ReadAllText(File(name)))!.AsObject();
        edit(node);
        System.IO.File.WriteAllText(File(name), node.ToJsonString());
    }

    /// <summary>Rewrites a shard without one of its tensors (the index is left alone).</summary>
    public void DropTensorFromShard(string shard, string key)
    {
        var path = File(shard);
        var kept = new List<KeyValuePair<string, Tensor>>();
        using (var file = SafetensorsFile.Open(path))
        {
            foreach (var name in file.Keys.Where(k => k != key)) kept.Add(new(name, file.ReadTensor(name)));
        }
        SafetensorsWriter.Write(path, kept, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (_, t) in kept) t.Dispose();
    }

    public void Dispose() => _folder.Dispose();
}
