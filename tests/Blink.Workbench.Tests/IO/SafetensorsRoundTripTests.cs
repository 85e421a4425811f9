using System.Text;
using System.Text.Json;
using Blink.Workbench.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.IO;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<SafetensorsDType> AllDTypes()
    {
        var data = new TheoryData<SafetensorsDType>();
        foreach (var dtype in Enum.GetValues<SafetensorsDType>())
        {
            data.Add(dtype);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void EveryDTypeRoundTripsBitExactly(SafetensorsDType dtype)
    {
        var shape = new long[] { 3, 5, 2 };
        var bytes = RandomBytes(30 * dtype.ElementSize(), seed: (int)dtype + 1);
        if (dtype == SafetensorsDType.BOOL)
        {
            for (var i = 0; i < bytes.Length; i++) bytes[i] &= 1;
        }
        using var original = TensorFromBytes(bytes, shape, dtype.ToScalarType());
        var path = _temp.File($"{dtype}.safetensors");

        SafetensorsWriter.Write(path, [new("x", original)], new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(dtype, file.GetEntry("x").DType);
        Assert.Equal(shape, file.GetEntry("x").Shape);
        Assert.Equal("pt", file.Metadata["format"]);
        using var read = file.ReadTensor("x");
        Assert.Equal(dtype.ToScalarType(), read.dtype);
        Assert.Equal(shape, read.shape);
        Assert.Equal(bytes, read.bytes.ToArray());
    }

    [Fact]
    public void ReadsAHandBuiltFileWithTheValuesItSpells()
    {
        // Independent of the writer: header and little-endian data written by hand.
        var data = new List<byte>();
        foreach (var f in new[] { 1f, -2f, 3.5f, 4f }) data.AddRange(BitConverter.GetBytes(f));
        data.AddRange(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }); // BF16 1.0, -2.0
        data.AddRange(BitConverter.GetBytes(-7L));
        var header = """{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[16,20]},"n":{"dtype":"I64","shape":[],"data_offsets":[20,28]}}""";
        var path = _temp.File("hand.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.Build(header, data.ToArray()));

        using var file = SafetensorsFile.Open(path);
        using var w = file.ReadTensor("w");
        using var b = file.ReadTensor("b", ScalarType.Float32);
        using var n = file.ReadTensor("n");
        Assert.Equal(new[] { 1f, -2f, 3.5f, 4f }, w.data<float>().ToArray());
        Assert.Equal(new[] { 1f, -2f }, b.data<float>().ToArray());
        Assert.Equal(ScalarType.Float32, b.dtype);
        Assert.Empty(n.shape);
        Assert.Equal(-7L, n.item<long>());
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void WriterPadsTheHeaderToEightBytesAndTilesTheData()
    {
        using var a = torch.arange(5, dtype: ScalarType.Float32);
        using var b = torch.arange(3, dtype: ScalarType.Int64);
        var path = _temp.File("layout.safetensors");

        SafetensorsWriter.Write(path, [new("a", a), new("b", b)]);

        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToUInt64(bytes, 0);
        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal(8 + (long)headerLength + 5 * 4 + 3 * 8, bytes.Length);
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        Assert.Equal("[0,20]", json.RootElement.GetProperty("a").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[20,44]", json.RootElement.GetProperty("b").GetProperty("data_offsets").GetRawText());
        Assert.Equal(2f, BitConverter.ToSingle(bytes, 8 + (int)headerLength + 8));
    }

    [Fact]
    public void ShardedRoundTripWritesIndexAndHuggingFaceShardNames()
    {
        var tensors = Enumerable.Range(0, 5)
            .Select(i => new KeyValuePair<string, Tensor>($"layer.{i}.weight", torch.full(new long[] { 10 }, i + 0.5f)))
            .ToList();
        var folder = _temp.File("sharded");

        // 40 bytes per tensor, 100 bytes per shard -> shards of 2, 2, 1 tensors.
        var written = SafetensorsWriter.WriteSharded(folder, tensors, maxShardBytes: 100);

        Assert.Equal(
            new[] { "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", "model.safetensors.index.json" },
            written.Select(Path.GetFileName).ToArray());
        using (var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json"))))
        {
            Assert.Equal(200, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            Assert.Equal("model-00003-of-00003.safetensors", index.RootElement.GetProperty("weight_map").GetProperty("layer.4.weight").GetString());
        }
        using (var checkpoint = SafetensorsCheckpoint.Open(folder))
        {
            Assert.Equal(3, checkpoint.Files.Count);
            Assert.Equal(5, checkpoint.Count);
            for (var i = 0; i < 5; i++)
            {
                using var t = checkpoint.ReadTensor($"layer.{i}.weight");
                Assert.All(t.data<float>().ToArray(), v => Assert.Equal(i + 0.5f, v));
            }
        }

        // Saving again into one shard replaces the index with model.safetensors and removes the stale shards.
        SafetensorsWriter.WriteSharded(folder, tensors, maxShardBytes: 1_000);
        Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
        foreach (var (_, t) in tensors) t.Dispose();
    }

    [Fact]
    public void ReadConvertsToTheRequestedDType()
    {
        using var half = torch.tensor(new[] { 0.5f, 1.25f, -3f }).to(ScalarType.Float16);
        var path = _temp.File("half.safetensors");
        SafetensorsWriter.Write(path, [new("h", half)]);

        using var file = SafetensorsFile.Open(path);
        using var asFloat = file.ReadTensor("h", ScalarType.Float32, torch.CPU);

        Assert.Equal(ScalarType.Float32, asFloat.dtype);
        Assert.Equal(new[] { 0.5f, 1.25f, -3f }, asFloat.data<float>().ToArray());
    }

    [Fact]
    public void NonContiguousTensorsAreWrittenInLogicalOrder()
    {
        using var m = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var t = m.t();
        var path = _temp.File("t.safetensors");
        SafetensorsWriter.Write(path, [new("t", t)]);

        using var file = SafetensorsFile.Open(path);
        using var read = file.ReadTensor("t");
        Assert.Equal(new long[] { 3, 2 }, read.shape);
        Assert.Equal(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, read.data<float>().ToArray());
    }

    internal static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static Tensor TensorFromBytes(byte[] bytes, long[] shape, ScalarType dtype)
    {
        var t = torch.empty(shape, dtype);
        bytes.AsSpan().CopyTo(t.bytes);
        return t;
    }
}
