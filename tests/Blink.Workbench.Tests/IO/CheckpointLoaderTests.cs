using Blink.Workbench.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.IO;

public sealed class CheckpointLoaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Keys: fc.weight [3,4], fc.bias [3], norm.weight [3], norm.bias [3].</summary>
    private static nn.Module<Tensor, Tensor> SmallModel(int seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(("fc", nn.Linear(4, 3)), ("norm", nn.LayerNorm(3)));
    }

    private static Dictionary<string, float[]> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float32).data<float>().ToArray());

    [Fact]
    public void SaveThenLoadRestoresEveryParameter()
    {
        using var source = SmallModel(1);
        using var target = SmallModel(2);
        var path = _temp.File("m.safetensors");
        Assert.NotEqual(Snapshot(source)["fc.weight"], Snapshot(target)["fc.weight"]);

        source.SaveCheckpoint(path);
        var report = target.LoadCheckpoint(path);

        Assert.Equal(new[] { "fc.bias", "fc.weight", "norm.bias", "norm.weight" }, report.Loaded.Order().ToArray());
        Assert.Equal(Snapshot(source), Snapshot(target));
    }

    [Fact]
    public void StrictLoadListsEveryMissingUnexpectedAndMisshapedKeyAtOnce()
    {
        using var target = SmallModel(2);
        var path = _temp.File("bad.safetensors");
        using var w = torch.zeros(3, 5);        // wrong shape
        using var b = torch.zeros(3);
        using var extra = torch.zeros(2);
        using var nb = torch.zeros(3, dtype: ScalarType.Int64); // right shape, integer kind
        SafetensorsWriter.Write(path, [new("fc.weight", w), new("fc.bias", b), new("head.weight", extra), new("norm.bias", nb)]);

        var error = Assert.Throws<CheckpointMismatchException>(() => target.LoadCheckpoint(path));

        Assert.Equal(new[] { "norm.weight" }, error.Missing);
        Assert.Equal(new[] { ("head.weight", path) }, error.Unexpected);
        Assert.Equal(new[] { "fc.weight", "norm.bias" }, error.Mismatched.Select(m => m.ModuleKey).Order().ToArray());
        var nl = Environment.NewLine;
        Assert.Equal(
            $"Checkpoint {path} does not match the model; nothing was loaded.{nl}" +
            $"Missing keys (1):{nl}  norm.weight{nl}" +
            $"Unexpected keys (1):{nl}  head.weight (in bad.safetensors){nl}" +
            $"Mismatched tensors (2):{nl}" +
            $"  fc.weight: model expects Float32 [3, 4], checkpoint has F32 [3, 5] in bad.safetensors{nl}" +
            $"  norm.bias: model expects Float32 [3], checkpoint has I64 [3] in bad.safetensors",
            error.Message);
    }

    [Fact]
    public void FailedLoadLeavesTheModuleUntouched()
    {
        using var source = SmallModel(1);
        using var target = SmallModel(2);
        var before = Snapshot(target);
        var path = _temp.File("partial.safetensors");
        // Every tensor is right except the last in file order, so a copy-as-you-go loader would have half-loaded.
        var dict = source.state_dict();
        using var wrongNorm = torch.ones(4);
        SafetensorsWriter.Write(path, [new("fc.bias", dict["fc.bias"]), new("fc.weight", dict["fc.weight"]),
            new("norm.bias", dict["norm.bias"]), new("norm.weight", wrongNorm)]);

        Assert.Throws<CheckpointMismatchException>(() => target.LoadCheckpoint(path));

        Assert.Equal(before, Snapshot(target));
    }

    [Fact]
    public void NonStrictLoadReportsGapsButStillRefusesShapeMismatches()
    {
        using var source = SmallModel(1);
        using var target = SmallModel(2);
        var path = _temp.File("fc-only.safetensors");
        var dict = source.state_dict();
        using var extra = torch.zeros(7);
        SafetensorsWriter.Write(path, [new("fc.weight", dict["fc.weight"]), new("fc.bias", dict["fc.bias"]), new("other", extra)]);

        var report = target.LoadCheckpoint(path, strict: false);

        Assert.Equal(new[] { "norm.bias", "norm.weight" }, report.Missing.Order().ToArray());
        Assert.Equal(new[] { "other" }, report.Unexpected);
        Assert.Equal(Snapshot(source)["fc.weight"], Snapshot(target)["fc.weight"]);

        using var wrong = torch.zeros(9);
        SafetensorsWriter.Write(path, [new("fc.bias", wrong)]);
        Assert.Throws<CheckpointMismatchException>(() => target.LoadCheckpoint(path, strict: false));
    }

    [Fact]
    public void KeyMapRenamesAndDropsCheckpointKeysAndDetectsCollisions()
    {
        using var source = SmallModel(1);
        using var target = SmallModel(2);
        var dict = source.state_dict();
        var path = _temp.File("orig.safetensors");
        using var unused = torch.zeros(5);
        // Original-LLaVA-style names: "model.proj.0.*" for fc and "model.proj.2.*" for norm, plus a tensor to ignore.
        SafetensorsWriter.Write(path, [
            new("model.proj.0.weight", dict["fc.weight"]), new("model.proj.0.bias", dict["fc.bias"]),
            new("model.proj.2.weight", dict["norm.weight"]), new("model.proj.2.bias", dict["norm.bias"]),
            new("vision.post_layernorm.weight", unused)]);

        var report = target.LoadCheckpoint(path, key => key.StartsWith("vision.", StringComparison.Ordinal)
            ? null
            : key.Replace("model.proj.0.", "fc.").Replace("model.proj.2.", "norm."));

        Assert.Equal(new[] { "vision.post_layernorm.weight" }, report.Skipped);
        Assert.Equal(Snapshot(source), Snapshot(target));

        var collision = Assert.Throws<CheckpointMismatchException>(() =>
            target.LoadCheckpoint(path, key => key.StartsWith("vision.", StringComparison.Ordinal) ? null : "fc.bias"));
        Assert.Equal(3, collision.Duplicates.Count);
        Assert.StartsWith("fc.bias <- 'model.proj.0.weight' and ", collision.Duplicates[0]);
    }

    [Fact]
    public void LoadConvertsTheStoredDTypeToTheParameterDType()
    {
        using var source = SmallModel(1);
        using var target = SmallModel(2);
        var path = _temp.File("half.safetensors");
        var halves = source.state_dict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.to(ScalarType.BFloat16))).ToList();
        SafetensorsWriter.Write(path, halves);

        target.LoadCheckpoint(path);

        foreach (var (key, value) in target.state_dict())
        {
            Assert.Equal(ScalarType.Float32, value.dtype);
            var expected = source.state_dict()[key].to(ScalarType.BFloat16).to(ScalarType.Float32).data<float>().ToArray();
            Assert.Equal(expected, value.data<float>().ToArray());
        }
        foreach (var (_, t) in halves) t.Dispose();
    }

    [Fact]
    public void ShardedSaveLoadsBackThroughTheIndex()
    {
        using var source = SmallModel(1);
        using var target = SmallModel(2);
        var folder = _temp.File("sharded");

        var written = CheckpointLoader.Save(source, folder, maxShardBytes: 20);

        Assert.Contains(written, f => f.EndsWith("model.safetensors.index.json", StringComparison.Ordinal));
        Assert.True(written.Count > 2);
        target.LoadCheckpoint(folder);
        Assert.Equal(Snapshot(source), Snapshot(target));
    }

    [Fact]
    public void InterruptedSaveLeavesThePreviousFileIntact()
    {
        var path = _temp.File("model.safetensors");
        using var first = torch.arange(4, dtype: ScalarType.Float32);
        SafetensorsWriter.Write(path, [new("a", first)]);
        var before = File.ReadAllBytes(path);

        var failure = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        }));
        using var complex = torch.zeros(2, dtype: ScalarType.ComplexFloat32);
        Assert.Throws<NotSupportedException>(() => SafetensorsWriter.Write(path, [new("a", first), new("c", complex)]));

        Assert.Equal("disk full (simulated)", failure.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(_temp.Path).Select(Path.GetFileName).ToArray());
    }
}
