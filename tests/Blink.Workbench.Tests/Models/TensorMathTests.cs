using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Models;

/// <summary>Each helper computes bit for bit what the TorchSharp expression it replaces computes.</summary>
[Collection("Torch")]
public sealed class TensorMathTests
{
    private static Tensor Sample(int seed = 3)
    {
        var generator = new Generator((ulong)seed);
        return torch.randn([5, 7], generator: generator);
    }

    [Fact]
    public void ArithmeticMatchesTorchSharpsOperators()
    {
        using var scope = NewDisposeScope();
        var a = Sample();
        var b = Sample(4);
        TensorAssert.Identical(a + b, a.Plus(b), "a + b");
        TensorAssert.Identical(a + 1e-5, a.Plus(1e-5), "a + ε");
        TensorAssert.Identical(a - b, a.Minus(b), "a - b");
        TensorAssert.Identical(1 - a, a.OneMinus(), "1 - a");
        TensorAssert.Identical(a * 1.702, a.Times(1.702), "a · 1.702");
        TensorAssert.Identical(a * 1.702, a.Times(TensorMath.Constant(1.702)), "a · constant");
        TensorAssert.Identical(a / 3.0, a.DividedBy(3.0), "a / 3");
        TensorAssert.Identical(a.square(), a.Squared(), "a²");
        TensorAssert.Identical(a.clamp_min(0.25), a.ClampMin(0.25), "max(a, 0.25)");
        TensorAssert.Identical(a.gt(0.1), a.Greater(0.1), "a > 0.1");
        TensorAssert.Identical(a.ge(0.0), a.GreaterOrEqual(0.0), "a ≥ 0");
        TensorAssert.Identical(torch.full([2, 3], -1.0, ScalarType.Float64), TensorMath.Full([2, 3], -1.0, ScalarType.Float64), "full");
    }

    [Fact]
    public void IntegerOperationsMatchTorchSharpsOperators()
    {
        using var scope = NewDisposeScope();
        var ids = torch.tensor(new long[] { 0, 3, 7, 12, 3, 9 });
        TensorAssert.Identical(ids + 1, ids.Plus(1L), "ids + 1");
        TensorAssert.Identical(ids.eq(3), ids.ElementEquals(3), "ids == 3");
        TensorAssert.Identical(ids.ne(0), ids.NotEqual(0), "ids ≠ 0");
        TensorAssert.Identical(ids.div(4, rounding_mode: RoundingMode.floor), ids.FloorDivide(4), "⌊ids / 4⌋");
        TensorAssert.Identical(ids.remainder(4), ids.Remainder(4), "ids mod 4");
        TensorAssert.Identical(torch.arange(9, dtype: ScalarType.Int64), TensorMath.Arange(9, ScalarType.Int64), "arange");
    }

    [Fact]
    public void InPlaceOperationsMatchTorchSharpsOperators()
    {
        using var scope = NewDisposeScope();
        var b = Sample(4);
        var c = Sample(5).abs().add_(0.5);
        TensorAssert.Identical(Sample().add_(b), Sample().PlusInPlace(b), "a += b");
        TensorAssert.Identical(Sample().add_(b, alpha: 0.1), Sample().PlusInPlace(b, 0.1), "a += 0.1 b");
        TensorAssert.Identical(Sample().add_(1e-8), Sample().PlusInPlace(1e-8), "a += ε");
        TensorAssert.Identical(Sample().mul_(0.9), Sample().TimesInPlace(0.9), "a ·= 0.9");
        TensorAssert.Identical(Sample().addcmul_(b, b, 0.001), Sample().PlusProductInPlace(b, b, 0.001), "addcmul_");
        TensorAssert.Identical(Sample().addcdiv_(b, c, -0.01), Sample().PlusQuotientInPlace(b, c, -0.01), "addcdiv_");
    }

    [Fact]
    public void ConstantsAreKeptOncePerValue()
    {
        Assert.Same(TensorMath.Constant(0.125), TensorMath.Constant(0.125));
        Assert.NotSame(TensorMath.Constant(0.125), TensorMath.Constant(0.25));
    }
}
