namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// The testbed's own PRNG (xoshiro256** seeded through SplitMix64). Written out here rather than taken from
/// <see cref="System.Random"/> so that a seed means the same scene on every .NET version, OS and machine: only
/// integer arithmetic and exact double conversions are involved.
/// </summary>
public sealed class TestbedRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public TestbedRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Combines values into one well-mixed 64-bit seed (order matters).</summary>
    public static ulong MixSeed(params ulong[] parts)
    {
        ulong h = 0x243F6A8885A308D3UL;
        foreach (var part in parts)
        {
            var x = h ^ part;
            h = SplitMix(ref x);
        }
        return h;
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [min, max).</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, max) (max exclusive, like <see cref="Random.Next(int,int)"/>).</summary>
    public int Next(int min, int max)
    {
        if (max <= min)
            throw new ArgumentOutOfRangeException(nameof(max), $"Empty range [{min}, {max}).");
        var range = (ulong)((long)max - min);
        // Lemire-style rejection keeps the result exactly uniform.
        var limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return (int)(min + (long)(r % range));
    }

    /// <summary>Uniform integer in [min, max] (both inclusive).</summary>
    public int NextInclusive(int min, int max) => Next(min, max + 1);

    public bool NextBool() => (NextUInt64() >> 63) != 0;

    public T Pick<T>(IReadOnlyList<T> items)
    {
        if (items.Count == 0)
            throw new ArgumentException("Cannot pick from an empty list.", nameof(items));
        return items[Next(0, items.Count)];
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
