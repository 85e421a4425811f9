using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// Pixel geometry of a figure: outer margins, the side area for legend and colour bar, and the plot rectangle of
/// every panel. Computed once and used by both back ends so the PNG and the Plotly chart share the layout.
/// </summary>
public sealed class FigureLayout
{
    public const float TitleSize = 18, PanelTitleSize = 13, TickSize = 11, AxisTitleSize = 12, LegendSize = 12;
    public const float ColorBarWidth = 78;

    /// <summary>About one tick per this many pixels along x / y (both back ends use the same tick step).</summary>
    public const float XTickSpacing = 80, YTickSpacing = 45;

    public float Width { get; }
    public float Height { get; }
    public float MarginLeft { get; } = 10;
    public float MarginTop { get; }
    public float MarginRight { get; }
    public float MarginBottom { get; } = 10;
    public float LegendWidth { get; }
    public bool HasColorBar { get; }
    public IReadOnlyList<SKRect> PlotRects { get; }

    /// <summary>The area inside the outer margins (Plotly's "paper").</summary>
    public SKRect Paper => new(MarginLeft, MarginTop, Width - MarginRight, Height - MarginBottom);

    public FigureLayout(Figure figure)
    {
        Width = figure.Width;
        Height = figure.Height;
        MarginTop = string.IsNullOrEmpty(figure.Title) ? 10 : 44;
        using var legendPaint = ChartFonts.TextPaint(LegendSize, SKColors.Black);
        var entries = figure.LegendEntries();
        LegendWidth = entries.Count == 0 ? 0 : entries.Max(e => legendPaint.MeasureText(e.Name)) + 44;
        HasColorBar = figure.Panels.SelectMany(p => p.Series).OfType<HeatmapSeries>().Any(h => h.ShowScale);
        MarginRight = 10 + LegendWidth + (HasColorBar ? ColorBarWidth : 0);

        var paper = Paper;
        int cols = figure.Columns, rows = figure.Rows;
        float cellW = paper.Width / cols, cellH = paper.Height / rows;
        var rects = new List<SKRect>();
        for (int i = 0; i < figure.Panels.Count; i++)
        {
            var p = figure.Panels[i];
            int r = i / cols, c = i % cols;
            var cell = new SKRect(paper.Left + c * cellW, paper.Top + r * cellH, paper.Left + (c + 1) * cellW, paper.Top + (r + 1) * cellH);
            float left = p.YAxis.Hidden ? 6 : string.IsNullOrEmpty(p.YAxis.Title) ? 46 : 62;
            float bottom = p.XAxis.Hidden ? 6 : string.IsNullOrEmpty(p.XAxis.Title) ? 26 : 44;
            float top = string.IsNullOrEmpty(p.Title) ? 8 : 24;
            var plot = new SKRect(cell.Left + left, cell.Top + top, cell.Right - (p.XAxis.Hidden ? 6 : 18), cell.Bottom - bottom);
            if (p.EqualAspect)
            {
                var (xr, yr) = AxisRange.For(p);
                double aspect = xr.Span / yr.Span;
                if (plot.Width / plot.Height > aspect)
                {
                    float w = (float)(plot.Height * aspect);
                    plot = new SKRect(plot.MidX - w / 2, plot.Top, plot.MidX + w / 2, plot.Bottom);
                }
                else
                {
                    float h = (float)(plot.Width / aspect);
                    plot = new SKRect(plot.Left, plot.Top, plot.Right, plot.Top + h);
                }
            }
            rects.Add(plot);
        }
        PlotRects = rects;
    }
}
