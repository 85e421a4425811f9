namespace Blink.Workbench.Plots;

/// <summary>Values of one layer (e.g. ρ over all samples of a dataset at that layer).</summary>
public sealed record LayerValues(int Layer, double[] Values);

/// <summary>ρ histograms per layer with τ_exp / τ_drop marked.</summary>
public static class RhoHistogramChart
{
    /// <summary>
    /// One histogram panel per layer over [0, 1] with <paramref name="bins"/> bins, vertical dashed lines at the
    /// thresholds, and the share of samples above τ_exp in the panel title.
    /// </summary>
    public static Figure Create(IReadOnlyList<LayerValues> layers, double tauExpand, double tauDrop, int bins = 20, int columns = 4,
        string title = "Concentration ρ per layer")
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins));
        var panels = layers.Select(l =>
        {
            var finite = l.Values.Where(double.IsFinite).ToArray();
            double above = finite.Length == 0 ? 0 : finite.Count(v => v > tauExpand) / (double)finite.Length;
            return new ChartPanel
            {
                Title = $"layer {l.Layer} · {above * 100:0}% > τ_exp",
                XAxis = new AxisSpec { Title = "ρ", Min = 0, Max = 1 },
                YAxis = new AxisSpec { Title = "samples", IntegerTicks = true },
                Series = [new HistogramSeries { Name = "ρ", Values = finite, BinStart = 0, BinEnd = 1, BinSize = 1.0 / bins, ShowInLegend = false, Color = Palette.At(0) }],
                Shapes =
                [
                    new VerticalLine(tauExpand) { Color = Palette.Expand, Label = "τ_exp" },
                    new VerticalLine(tauDrop) { Color = Palette.Drop, Label = "τ_drop" },
                ],
            };
        }).ToList();
        return Figure.Grid(panels, columns, title, 300, 240);
    }
}
