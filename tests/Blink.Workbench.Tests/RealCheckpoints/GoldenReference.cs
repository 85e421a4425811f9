using Blink.Workbench.IO;
using Blink.Workbench.Tests.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// The independent PyTorch reference's outputs for the <c>llava-tiny-hf</c> fixture
/// (<c>tools/reference/llava_reference.py</c>; keys in <c>tools/reference/README.md</c>).
/// </summary>
internal static class GoldenReference
{
    public const string Question = "What colour is the square?";

    public static string Folder => FixturePaths.LlavaTinyHf;

    public static string ImagePath => Path.Combine(FixturePaths.LlavaTinyHf, "fixture.png");

    /// <summary>One golden tensor, float32 (or int64 for ids), on the CPU.</summary>
    public static Tensor Read(string key)
    {
        using var file = SafetensorsFile.Open(Path.Combine(FixturePaths.LlavaTinyHfGolden, "reference.safetensors"));
        return file.ReadTensor(key);
    }

    /// <summary>max |expected − actual| after checking the shapes agree.</summary>
    public static double MaxAbsDiff(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", expected.shape)}] expected, got [{string.Join(", ", actual.shape)}]");
        using var diff = (expected.cpu().to(ScalarType.Float64) - actual.cpu().to(ScalarType.Float64)).abs().max();
        return diff.item<double>();
    }

    /// <summary>Asserts max |Δ| ≤ <paramref name="tolerance"/> and returns it, so tests can report the figure.</summary>
    public static double AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        var d = MaxAbsDiff(expected, actual, what);
        Assert.True(d <= tolerance, $"{what}: max |Δ| = {d:E3} exceeds {tolerance:E1}");
        return d;
    }
}
