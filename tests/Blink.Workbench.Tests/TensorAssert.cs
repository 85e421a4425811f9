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
}
