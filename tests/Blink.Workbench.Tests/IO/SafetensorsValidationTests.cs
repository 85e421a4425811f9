using Blink.Workbench.IO;

namespace Blink.Workbench.Tests.IO;

/// <summary>Every malformed file is refused on open with its own message naming the file (and key).</summary>
public sealed class SafetensorsValidationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private CheckpointFormatException Refused(byte[] bytes)
    {
        var path = _temp.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path + ": ", error.Message);
        return error;
    }

    private static byte[] Data(int n) => new byte[n];

    [Fact]
    public void FileShorterThanTheLengthFieldIsTruncated()
    {
        var error = Refused(new byte[] { 1, 2, 3 });
        Assert.Equal("file is truncated: it has 3 bytes, fewer than the 8-byte header length field", error.Problem);
    }

    [Fact]
    public void HeaderLengthBeyondTheFile()
    {
        var error = Refused(SafetensorsBytes.Build("{}", Data(0), declaredHeaderLength: 50));
        Assert.Equal("header length 50 runs past the end of the file (2 bytes follow the length field)", error.Problem);
    }

    [Fact]
    public void AbsurdHeaderLengthIsRefusedBeforeAnyAllocation()
    {
        var error = Refused(SafetensorsBytes.Build("{}", Data(0), declaredHeaderLength: ulong.MaxValue));
        Assert.Equal($"header length {ulong.MaxValue} exceeds the 100000000-byte limit (corrupt or not a safetensors file)", error.Problem);
    }

    [Fact]
    public void NonUtf8Header()
    {
        var error = Refused(SafetensorsBytes.Build(new byte[] { (byte)'{', 0xFF, 0xFE, (byte)'}' }, Data(0)));
        Assert.Equal("header is not valid UTF-8 (bad byte at index 1)", error.Problem);
    }

    [Fact]
    public void MalformedJson()
    {
        var error = Refused(SafetensorsBytes.Build("{\"a\": {\"dtype\": \"F32\",", Data(0)));
        Assert.StartsWith("header is not valid JSON (line 1, byte ", error.Problem);
    }

    [Fact]
    public void HeaderThatIsNotAnObject()
    {
        var error = Refused(SafetensorsBytes.Build("[1, 2]", Data(0)));
        Assert.Equal("header must be a JSON object, found Array", error.Problem);
    }

    [Fact]
    public void UnknownDType()
    {
        var error = Refused(SafetensorsBytes.Build("""{"w":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}}""", Data(1)));
        Assert.Equal("w", error.Key);
        Assert.Equal("unknown or unsupported dtype 'F7' (supported: BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64)", error.Problem);
    }

    [Fact]
    public void OffsetsOutOfRange()
    {
        var error = Refused(SafetensorsBytes.Build("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", Data(8)));
        Assert.Equal("w", error.Key);
        Assert.Equal("data_offsets [0, 16] run past the data section, which has 8 bytes", error.Problem);
    }

    [Fact]
    public void OffsetsThatEndBeforeTheyBegin()
    {
        var error = Refused(SafetensorsBytes.Build("""{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}}""", Data(4)));
        Assert.Equal("data_offsets [4, 2] end before they begin", error.Problem);
    }

    [Fact]
    public void OverlappingOffsets()
    {
        var error = Refused(SafetensorsBytes.Build(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", Data(12)));
        Assert.Equal("b", error.Key);
        Assert.Equal("data_offsets [4, 12] overlap tensor 'a' [0, 8]", error.Problem);
    }

    [Fact]
    public void HoleBetweenTensors()
    {
        var error = Refused(SafetensorsBytes.Build(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", Data(12)));
        Assert.Equal("b", error.Key);
        Assert.Equal("data_offsets [8, 12] leave a hole: bytes [4, 8) belong to no tensor", error.Problem);
    }

    [Fact]
    public void TrailingBytesAfterTheLastTensor()
    {
        var error = Refused(SafetensorsBytes.Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Data(6)));
        Assert.Null(error.Key);
        Assert.Equal("tensors cover 4 bytes but the data section has 6 (trailing bytes or truncated file)", error.Problem);
    }

    [Fact]
    public void ShapeTimesDTypeSizeDiffersFromTheByteSpan()
    {
        var error = Refused(SafetensorsBytes.Build("""{"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,8]}}""", Data(8)));
        Assert.Equal("w", error.Key);
        Assert.Equal("shape [2, 3] of BF16 needs 12 bytes but data_offsets [0, 8] span 8", error.Problem);
    }

    [Fact]
    public void NegativeDimension()
    {
        var error = Refused(SafetensorsBytes.Build("""{"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}}""", Data(8)));
        Assert.Equal("shape dimension 1 is negative (-1)", error.Problem);
    }

    [Fact]
    public void ShapeTooLargeToAddress()
    {
        var error = Refused(SafetensorsBytes.Build(
            """{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", Data(8)));
        Assert.Equal("shape [4294967296, 4294967296] is too large to address", error.Problem);
    }

    [Fact]
    public void MissingDataOffsets()
    {
        var error = Refused(SafetensorsBytes.Build("""{"w":{"dtype":"F32","shape":[1]}}""", Data(4)));
        Assert.Equal("entry has no 'data_offsets' pair [begin, end]", error.Problem);
    }

    [Fact]
    public void NonStringMetadata()
    {
        var error = Refused(SafetensorsBytes.Build("""{"__metadata__":{"n":3}}""", Data(0)));
        Assert.Equal("__metadata__", error.Key);
        Assert.Equal("value of 'n' must be a string, found Number", error.Problem);
    }

    [Fact]
    public void IndexNamingAMissingShard()
    {
        var folder = _temp.File("ckpt");
        Directory.CreateDirectory(folder);
        var index = Path.Combine(folder, "model.safetensors.index.json");
        File.WriteAllText(index, """{"metadata":{},"weight_map":{"a":"model-00001-of-00002.safetensors"}}""");

        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsCheckpoint.Open(folder));

        Assert.Equal(index, error.FilePath);
        Assert.StartsWith("shard 'model-00001-of-00002.safetensors' named in weight_map does not exist", error.Problem);
    }

    [Fact]
    public void IndexAndShardThatDisagree()
    {
        var folder = _temp.File("ckpt");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "s1.safetensors"),
            SafetensorsBytes.Build("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"c":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", Data(2)));
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"),
            """{"metadata":{},"weight_map":{"a":"s1.safetensors","b":"s1.safetensors"}}""");

        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsCheckpoint.Open(folder));

        Assert.Equal(
            "index and shards disagree:" + Environment.NewLine +
            "  'b' is mapped to s1.safetensors, which has no such tensor" + Environment.NewLine +
            "  s1.safetensors holds 'c', which weight_map does not list",
            error.Problem);
    }

    [Fact]
    public void IndexWithAShardPathOutsideTheFolder()
    {
        var folder = _temp.File("ckpt");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), """{"weight_map":{"a":"../x.safetensors"}}""");

        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsCheckpoint.Open(folder));

        Assert.Equal("a", error.Key);
        Assert.Equal("weight_map entry \"../x.safetensors\" is not a plain shard file name", error.Problem);
    }
}
