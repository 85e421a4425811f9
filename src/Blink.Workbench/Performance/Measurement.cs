namespace Blink.Workbench.Performance;

/// <summary>
/// Repeated wall-time measurements of one thing, with the statistics a table needs. Samples that could not be made
/// are NaN and left out of the statistics. From <see cref="InterleavedRounds"/>, sample i is round i.
/// </summary>
public sealed record Measurement(string Name, double[] Milliseconds, long TokensProcessed = 0, long PeakBytes = 0, string? Note = null)
{
    private double[] Valid => Milliseconds.Where(double.IsFinite).ToArray();

    /// <summary>How many samples were made (not NaN).</summary>
    public int Count => Valid.Length;

    public double Mean => Count == 0 ? double.NaN : Valid.Average();
    public double Median => PairedStatistics.Median(Valid);
    public double Min => Count == 0 ? double.NaN : Valid.Min();
    public double Max => Count == 0 ? double.NaN : Valid.Max();

    /// <summary>First and third quartiles (linear interpolation between order statistics).</summary>
    public (double Q1, double Q3) Quartiles
    {
        get
        {
            var s = Valid.Order().ToArray();
            return s.Length == 0 ? (double.NaN, double.NaN) : (Evaluation.Statistics.Percentile(s, 0.25), Evaluation.Statistics.Percentile(s, 0.75));
        }
    }

    public double StdDev
    {
        get
        {
            var v = Valid;
            if (v.Length < 2) return 0;
            var m = v.Average();
            return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
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
