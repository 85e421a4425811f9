namespace Blink.Workbench.Plots;

/// <summary>
/// Histogram of raw values with explicit, fixed bins (so Plotly and the PNG count the same way): bins of width
/// <see cref="BinSize"/> starting at <see cref="BinStart"/>; a value v goes to bin floor((v - start) / size); values
/// outside [start, end] are ignored, a value exactly at the end goes into the last bin.
/// </summary>
public sealed record HistogramSeries : ChartSeries
{
    public required double[] Values { get; init; }
    public required double BinStart { get; init; }
    public required double BinEnd { get; init; }
    public required double BinSize { get; init; }
    public double Opacity { get; init; } = 0.75;

    public int BinCount => Math.Max(1, (int)Math.Round((BinEnd - BinStart) / BinSize));

    /// <summary>Counts per bin, computed exactly as described on the type.</summary>
    public int[] Counts()
    {
        var counts = new int[BinCount];
        foreach (var v in Values)
        {
            if (double.IsNaN(v) || v < BinStart || v > BinEnd) continue;
            int bin = (int)Math.Floor((v - BinStart) / BinSize);
            counts[Math.Clamp(bin, 0, counts.Length - 1)]++;
        }
        return counts;
    }
}
