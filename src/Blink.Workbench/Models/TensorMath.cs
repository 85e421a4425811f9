using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

/// <summary>
/// Arithmetic without short-lived Scalars. TorchSharp 0.107's <c>a + b</c> is <c>a.add(b, 1)</c>, which converts 1 into
/// a temporary native Scalar that nothing keeps alive during the native call; under garbage-collection pressure its
/// finalizer can free it mid-call and libtorch fails with "Unknown scalar type" (seen after ~1,400 forwards). These
/// helpers pass Scalars held in static fields instead, and every hot path uses them.
/// </summary>
public static class TensorMath
{
    private static readonly Scalar One = 1.ToScalar();
    private static readonly Scalar NegativeInfinityScalar = double.NegativeInfinity.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + value (an integer offset, e.g. of positions), with the Scalar kept alive for the call.</summary>
    public static Tensor Plus(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.add(s);
    }

    /// <summary>a − b.</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.sub(b); // sub(Tensor) takes no Scalar

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
