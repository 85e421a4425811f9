using Blink.Workbench.IO;
using Plotly.NET;
using SkiaSharp;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Plots;

/// <summary>
/// A figure of one or more <see cref="ChartPanel"/>s in a grid, with a title and a shared legend. It can be shown as
/// a Plotly.NET <see cref="GenericChart"/> (notebooks: return <see cref="Chart"/> or display it), saved as an offline
/// interactive HTML page (plotly.js inlined, no CDN), or rasterised to PNG with SkiaSharp (no browser).
/// </summary>
public sealed class Figure
{
    private readonly Dictionary<string, SKColor> _colorsByName = new(StringComparer.Ordinal);

    public Figure(IReadOnlyList<ChartPanel> panels, int columns = 1, string? title = null, int width = 800, int height = 500)
    {
        if (panels.Count == 0) throw new ArgumentException("A figure needs at least one panel.", nameof(panels));
        if (width < 100 || height < 80) throw new ArgumentOutOfRangeException(nameof(width), "Figure is too small to draw.");
        Panels = panels;
        Columns = Math.Clamp(columns, 1, panels.Count);
        Title = title;
        Width = width;
        Height = height;
        // Colours are fixed here, once, so both back ends and every panel agree: series without an explicit colour
        // get the next palette colour per distinct name, in order of first appearance.
        int next = 0;
        foreach (var s in panels.SelectMany(p => p.Series))
            if (s.Color is null && !_colorsByName.ContainsKey(s.Name))
                _colorsByName[s.Name] = Palette.At(next++);
    }

    /// <summary>A single-panel figure.</summary>
    public static Figure Single(ChartPanel panel, string? title = null, int width = 800, int height = 500) =>
        new([panel], 1, title, width, height);

    /// <summary>Small multiples: panels of <paramref name="panelWidth"/> × <paramref name="panelHeight"/> pixels, <paramref name="columns"/> per row.</summary>
    public static Figure Grid(IReadOnlyList<ChartPanel> panels, int columns, string? title = null, int panelWidth = 300, int panelHeight = 260, int extraWidth = 0)
    {
        int cols = Math.Clamp(columns, 1, Math.Max(1, panels.Count));
        int rows = (panels.Count + cols - 1) / cols;
        var probe = new Figure(panels, cols, title, 800, 500);
        var layout = new FigureLayout(probe);
        int width = cols * panelWidth + (int)(layout.MarginLeft + layout.MarginRight) + extraWidth;
        int height = rows * panelHeight + (int)(layout.MarginTop + layout.MarginBottom);
        return new Figure(panels, cols, title, width, height);
    }

    public IReadOnlyList<ChartPanel> Panels { get; }
    public int Columns { get; }
    public int Rows => (Panels.Count + Columns - 1) / Columns;
    public string? Title { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>The colour a series is drawn with.</summary>
    public SKColor ColorOf(ChartSeries series) => series.Color ?? _colorsByName[series.Name];

    /// <summary>Legend entries (first series of each distinct name that wants one), in order of appearance.</summary>
    public IReadOnlyList<ChartSeries> LegendEntries()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return Panels.SelectMany(p => p.Series)
            .Where(s => s.ShowInLegend && !string.IsNullOrEmpty(s.Name) && s is not HeatmapSeries && seen.Add(s.Name))
            .ToList();
    }

    /// <summary>
    /// A fresh Plotly.NET chart of this figure. A new one per call: Plotly.NET's "with..." functions mutate charts
    /// in place, so a shared instance could be changed behind our back.
    /// </summary>
    public GenericChart Chart => PlotlyFigureBuilder.Build(this);

    /// <summary>Plotly figure JSON ({"data": [...], "layout": {...}}), deterministic for the same figure.</summary>
    public string ToPlotlyJson() => PlotlyFigureBuilder.ToJson(this);

    /// <summary>A complete offline HTML page with plotly.js inlined once.</summary>
    public string ToHtml() => OfflinePlotlyPage.Document(Title ?? "Figure", [this]);

    /// <summary>Writes <see cref="ToHtml"/> atomically (temp file, then rename).</summary>
    public void SaveHtml(string path) => IO.AtomicFile.WriteAllText(path, ToHtml());

    /// <summary>Rasterises the figure with SkiaSharp at <paramref name="scale"/> × its pixel size.</summary>
    public SKBitmap RenderBitmap(float scale = 1) => SkiaFigureRenderer.Render(this, scale);

    /// <summary>PNG bytes of <see cref="RenderBitmap"/>.</summary>
    public byte[] ToPng(float scale = 1)
    {
        using var bitmap = RenderBitmap(scale);
        return PngEncoding.Encode(bitmap);
    }

    /// <summary>Writes <see cref="ToPng"/> atomically.</summary>
    public void SavePng(string path, float scale = 1) => IO.AtomicFile.WriteAllBytes(path, ToPng(scale));

    public static implicit operator GenericChart(Figure figure) => figure.Chart;
}
