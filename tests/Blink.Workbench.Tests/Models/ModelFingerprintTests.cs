using Blink.Workbench.IO;
using Blink.Workbench.Models;

namespace Blink.Workbench.Tests.IO;

public sealed class ModelFingerprintTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("blink-fingerprint-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Model(string name, byte[] weights, string config = "{\"model_type\": \"llava\"}")
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config);
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), weights);
        return dir;
    }

    private static byte[] Weights(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void A_copy_has_the_same_fingerprint()
    {
        var weights = Weights(3 << 20, 1);
        Assert.Equal(ModelFingerprint.Of(Model("a", weights)), ModelFingerprint.Of(Model("b", weights)));
    }

    [Theory]
    [InlineData(0)]               // header region
    [InlineData((3 << 20) - 1)]   // last byte
    [InlineData(5 << 19)]         // 2.5 MiB: inside the last MiB
    public void Changed_weights_of_the_same_shape_change_it(int offset)
    {
        var weights = Weights(3 << 20, 1);
        var a = ModelFingerprint.Of(Model("a", weights));
        var changed = (byte[])weights.Clone();
        changed[offset] ^= 0xFF;
        Assert.NotEqual(a, ModelFingerprint.Of(Model("b", changed)));
    }

    [Fact]
    public void Config_and_small_files_count()
    {
        var weights = Weights(1000, 2);
        var a = ModelFingerprint.Of(Model("a", weights));
        Assert.NotEqual(a, ModelFingerprint.Of(Model("b", weights, "{\"model_type\": \"llava\", \"x\": 1}")));
        var changed = (byte[])weights.Clone();
        changed[500] ^= 1;
        Assert.NotEqual(a, ModelFingerprint.Of(Model("c", changed)));
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        var missing = Path.Combine(_root, "nope");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => ModelFingerprint.Of(missing)).Message);
    }
}
