namespace Blink.Workbench.Plots;

/// <summary>
/// Data ranges of a panel's axes, computed once from the model and handed to both back ends (Plotly gets them as
/// explicit ranges) so the PNG and the interactive chart show the same window.
/// </summary>
public readonly record struct AxisRange(double Min, double Max)
{
    public double Span => Max - Min;

    /// <summary>Maps a data value to [0, 1] along the axis (0 = Min).</summary>
    public double Normalize(double v) => (v - Min) / Span;

    public static (AxisRange X, AxisRange Y) For(ChartPanel panel)
    {
        var x = new Extent();
        var y = new Extent();
        bool xPad = false, yPad = false, yFromZero = false;
        foreach (var s in panel.Series)
        {
            switch (s)
            {
                case XYSeries xy:
                    for (int i = 0; i < xy.X.Length; i++)
                    {
                        x.Add(xy.X[i] - At(xy.ErrorXMinus, i));
                        x.Add(xy.X[i] + At(xy.ErrorXPlus, i));
                        if (i < xy.Y.Length)
                        {
                            y.Add(xy.Y[i] - At(xy.ErrorYMinus, i));
                            y.Add(xy.Y[i] + At(xy.ErrorYPlus, i));
                        }
                        if (xy.BandLower is { } lo && i < lo.Length) y.Add(lo[i]);
                        if (xy.BandUpper is { } hi && i < hi.Length) y.Add(hi[i]);
                    }
                    xPad = yPad = true;
                    break;
                case BarSeries bar:
                    x.Add(-0.5);
                    x.Add(bar.Values.Length - 0.5);
                    for (int i = 0; i < bar.Values.Length; i++)
                    {
                        y.Add(bar.Values[i] - At(bar.ErrorMinus, i));
                        y.Add(bar.Values[i] + At(bar.ErrorPlus, i));
                    }
                    yPad = yFromZero = true;
                    break;
                case HeatmapSeries heat:
                    x.Add(-0.5);
                    x.Add(heat.Values.GetLength(1) - 0.5);
                    y.Add(-0.5);
                    y.Add(heat.Values.GetLength(0) - 0.5);
                    break;
                case HistogramSeries hist:
                    x.Add(hist.BinStart);
                    x.Add(hist.BinEnd);
                    foreach (var c in hist.Counts()) y.Add(c);
                    yPad = yFromZero = true;
                    break;
            }
        }
        if (panel.XAxis.Categories is { Length: > 0 } xc) { x.Add(-0.5); x.Add(xc.Length - 0.5); }
        if (panel.YAxis.Categories is { Length: > 0 } yc) { y.Add(-0.5); y.Add(yc.Length - 0.5); }
        if (panel.Background is { } bg)
        {
            x.Add(bg.X0); x.Add(bg.X1);
            y.Add(bg.Y0); y.Add(bg.Y1);
        }
        foreach (var shape in panel.Shapes)
        {
            switch (shape)
            {
                case VerticalLine v: x.Add(v.X); break;
                case HorizontalLine h: y.Add(h.Y); break;
                case RectangleShape r: x.Add(r.X0); x.Add(r.X1); y.Add(r.Y0); y.Add(r.Y1); break;
            }
        }
        if (yFromZero) y.Add(0);
        return (Resolve(x, panel.XAxis, xPad, false), Resolve(y, panel.YAxis, yPad, yFromZero));
    }

    private static AxisRange Resolve(Extent e, AxisSpec axis, bool pad, bool fromZero)
    {
        double lo = e.Min, hi = e.Max;
        if (double.IsInfinity(lo)) (lo, hi) = (0, 1);
        if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
        if (pad)
        {
            double margin = 0.05 * (hi - lo);
            // A bar or histogram axis starts exactly at zero: padding below it would float the bars.
            if (!(fromZero && lo >= 0)) lo -= margin;
            hi += margin;
        }
        lo = axis.Min ?? lo;
        hi = axis.Max ?? hi;
        if (!(hi > lo)) hi = lo + 1;
        return new AxisRange(lo, hi);
    }

    private static double At(double[]? values, int i) => values is not null && i < values.Length && !double.IsNaN(values[i]) ? values[i] : 0;

    private sealed class Extent
    {
        public double Min = double.PositiveInfinity;
        public double Max = double.NegativeInfinity;

        public void Add(double v)
        {
            if (double.IsNaN(v) || double.IsInfinity(v)) return;
            Min = Math.Min(Min, v);
            Max = Math.Max(Max, v);
        }
    }
}
