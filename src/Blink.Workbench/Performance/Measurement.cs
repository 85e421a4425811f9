namespace Blink.Workbench.Performance;

/// <summary>Repeated wall-time measurements of one thing, with the statistics a table needs.</summary>
public sealed record Measurement(string Name, double[] Milliseconds, long TokensProcessed = 0, long PeakBytes = 0, string? Note = null)
{
    public double Mean => Milliseconds.Average();
    public double Median
    {
        get
        {
            var s = Milliseconds.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
    }
    public double Min => Milliseconds.Min();
    public double StdDev
    {
        get
        {
            if (Milliseconds.Length < 2) return 0;
            var m = Mean;
            return Math.Sqrt(Milliseconds.Sum(x => (x - m) * (x - m)) / (Milliseconds.Length - 1));
        }
    }

    /// <summary>Times <paramref name="action"/> after warm-up runs; each repeat is one sample.</summary>
    public static double[] Time(Action action, int warmup, int repeats)
    {
        for (var i = 0; i < warmup; i++) action();
        var samples = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            action();
            samples[i] = sw.Elapsed.TotalMilliseconds;
        }
        return samples;
    }
}
