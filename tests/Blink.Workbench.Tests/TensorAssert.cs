using TorchSharp;

namespace Blink.Workbench.Tests;

internal static class TensorAssert
{
    /// <summary>Same shape and bit-identical values.</summary>
    public static void Identical(torch.Tensor expected, torch.Tensor actual, string? what = null)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what} shape [{string.Join(",", expected.shape)}] vs [{string.Join(",", actual.shape)}]");
        if (!expected.eq(actual).all().item<bool>())
            Assert.Fail($"{what}: values differ (max |Δ| {(expected - actual).abs().max().to(torch.ScalarType.Float64).item<double>()})");
    }

    /// <summary>Same shape, finite, and within <paramref name="tolerance"/> of each other elementwise.</summary>
    public static void Close(torch.Tensor expected, torch.Tensor actual, double tolerance, string? what = null)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what} shape [{string.Join(",", expected.shape)}] vs [{string.Join(",", actual.shape)}]");
        var diff = (expected - actual).abs().max().to(torch.ScalarType.Float64).item<double>();
        Assert.True(diff <= tolerance, $"{what}: max |Δ| {diff} exceeds {tolerance}");
    }
}
