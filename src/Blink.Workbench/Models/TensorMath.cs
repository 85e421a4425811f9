using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

/// <summary>
/// Every TorchSharp call of the library that takes a number goes through here, so that the native Scalar holding the
/// number stays alive until libtorch has read it.
/// <para>
/// TorchSharp 0.107 turns numbers into <see cref="Scalar"/> objects whose finalizer frees the native value, and passes
/// only the native handle on: <c>t * 1.702</c> converts 1.702 into a temporary Scalar; <c>a + b</c>, <c>add_(b)</c>,
/// <c>square()</c>, <c>1 - t</c> create one inside TorchSharp (alpha = 1, exponent 2). Once the handle is read nothing
/// references the object, so a garbage collection that runs while the thread is inside the native call — started by
/// any other thread of the process, or by the background GC — may queue its finalizer, which then frees the value
/// under libtorch: "Unknown scalar type" or "Expected false to be true" (c10/core/Scalar.h), or a silently different
/// number. Here every Scalar is either process-lived (a static, or <see cref="Constant(double)"/>) or created in a
/// <c>using</c> that ends after the native call returns. <c>tests/…/Models/ScalarLifetimeTests</c> checks the compiled
/// library for implicit Scalars and for the TorchSharp members that make their own; <c>blink bench soak</c> runs the
/// methods for thousands of answers while another thread collects.
/// </para>
/// </summary>
public static class TensorMath
{
    private static readonly Scalar One = 1.ToScalar();
    private static readonly Scalar Two = 2.ToScalar();
    private static readonly Scalar NegativeInfinityScalar = double.NegativeInfinity.ToScalar();
    private static readonly ConcurrentDictionary<double, Scalar> Constants = new();

    /// <summary>
    /// A float64 Scalar of <paramref name="value"/> kept for the process, for the model's fixed numbers in hot paths
    /// (1/√d, ε): one native allocation per distinct value instead of one per call. Only for values drawn from a
    /// model's configuration — each distinct value stays allocated.
    /// </summary>
    public static Scalar Constant(double value) => Constants.GetOrAdd(value, v => v.ToScalar());

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>a + value (an integer offset, e.g. of positions).</summary>
    public static Tensor Plus(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.add(s, One);
    }

    /// <summary>a + value.</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.add(s, One);
    }

    /// <summary>a − b.</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.sub(b); // sub(Tensor) passes no Scalar

    /// <summary>1 − a, the same operations as TorchSharp's <c>1 - a</c> (−a, then + 1).</summary>
    public static Tensor OneMinus(this Tensor a)
    {
        using var scope = NewDisposeScope();
        return a.neg().add(One, One).MoveToOuterDisposeScope();
    }

    /// <summary>a · value.</summary>
    public static Tensor Times(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.mul(s);
    }

    /// <summary>a · s for a Scalar the caller keeps alive (<see cref="Constant(double)"/>).</summary>
    public static Tensor Times(this Tensor a, Scalar s) => a.mul(s);

    /// <summary>a ·= s, in place, for a Scalar the caller keeps alive.</summary>
    public static Tensor TimesInPlace(this Tensor a, Scalar s) => a.mul_(s);

    /// <summary>a ·= value, in place.</summary>
    public static Tensor TimesInPlace(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.mul_(s);
    }

    /// <summary>a += alpha · b, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b, double alpha)
    {
        using var s = alpha.ToScalar();
        return a.add_(b, s);
    }

    /// <summary>a += value, in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.add_(s, One);
    }

    /// <summary>a += value · b · c, in place (addcmul_).</summary>
    public static Tensor PlusProductInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var s = value.ToScalar();
        return a.addcmul_(b, c, s);
    }

    /// <summary>a += value · b / c, in place (addcdiv_).</summary>
    public static Tensor PlusQuotientInPlace(this Tensor a, Tensor b, Tensor c, double value)
    {
        using var s = value.ToScalar();
        return a.addcdiv_(b, c, s);
    }

    /// <summary>a / value.</summary>
    public static Tensor DividedBy(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.div(s);
    }

    /// <summary>⌊a / value⌋ for integer tensors.</summary>
    public static Tensor FloorDivide(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.div(s, rounding_mode: RoundingMode.floor);
    }

    /// <summary>a mod value.</summary>
    public static Tensor Remainder(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.remainder(s);
    }

    /// <summary>a², as TorchSharp's <c>square()</c> computes it (pow with exponent 2).</summary>
    public static Tensor Squared(this Tensor a) => a.pow(Two);

    /// <summary>max(a, value).</summary>
    public static Tensor ClampMin(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.clamp_min(s);
    }

    /// <summary>a == value, element-wise (integer tensors: ids, labels).</summary>
    public static Tensor ElementEquals(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.eq(s);
    }

    /// <summary>a ≠ value, element-wise.</summary>
    public static Tensor NotEqual(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.ne(s);
    }

    /// <summary>a &gt; value, element-wise.</summary>
    public static Tensor Greater(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.gt(s);
    }

    /// <summary>a ≥ value, element-wise.</summary>
    public static Tensor GreaterOrEqual(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.ge(s);
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, ScalarType dtype, Device? device = null)
    {
        using var s = value.ToScalar();
        return torch.full(shape, s, dtype, device);
    }

    /// <summary>0, 1, …, n−1 (torch.arange with its Scalars kept alive for the call).</summary>
    public static Tensor Arange(long n, ScalarType dtype, Device? device = null)
    {
        using var start = 0L.ToScalar();
        using var stop = n.ToScalar();
        using var step = 1L.ToScalar();
        return torch.arange(start, stop, step, dtype: dtype, device: device);
    }

    /// <summary>start, start+step, … below stop, as float64 (for frequency tables).</summary>
    public static Tensor Arange(double start, double stop, double step, Device? device = null)
    {
        using var a = start.ToScalar();
        using var b = stop.ToScalar();
        using var c = step.ToScalar();
        return torch.arange(a, b, c, dtype: ScalarType.Float64, device: device);
    }

    /// <summary>Fills positions where <paramref name="mask"/> is true with −∞.</summary>
    public static Tensor FillNegativeInfinity(this Tensor t, Tensor mask) => t.masked_fill(mask, NegativeInfinityScalar);

    /// <summary>
    /// The values as a float32 host array, row-major: one block copy out of the tensor's storage. TorchSharp's element
    /// accessor (<c>data&lt;T&gt;().ToArray()</c>) walks the strides per element, about 18 µs for a few hundred values
    /// against 2–3 µs here — more than a small model's whole attention-row observation.
    /// </summary>
    public static float[] ToFloatArray(this Tensor t) => ToHostArray<float>(t, ScalarType.Float32);

    /// <summary>The values as an int64 host array, row-major (see <see cref="ToFloatArray"/>).</summary>
    public static long[] ToLongArray(this Tensor t) => ToHostArray<long>(t, ScalarType.Int64);

    private static T[] ToHostArray<T>(Tensor t, ScalarType dtype) where T : unmanaged
    {
        using var scope = NewDisposeScope();
        var host = t.device_type == DeviceType.CPU && t.dtype == dtype && t.is_contiguous() ? t : t.to(dtype, CPU).contiguous();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(host.bytes).ToArray();
    }
}
