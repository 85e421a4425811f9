using Blink.Workbench.Imaging;
using System.Globalization;
using System.Net;
using System.Text;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Plots;
using SkiaSharp;

namespace Blink.Workbench.Notebooks;

/// <summary>
/// The HTML a notebook shows for the library's results. The package's kernel extension
/// (<c>interactive-extensions/dotnet/extension.dib</c>) registers these as the kernel's <c>text/html</c> formatters,
/// so a cell that ends with a <see cref="Figure"/>, a <see cref="ResultsTable"/>, a <see cref="SaliencyMap"/>, a
/// <see cref="BlinkTrace"/> or a <see cref="BenchmarkItem"/> displays it without formatting code. Plain strings, so
/// the library needs no reference to the kernel.
/// </summary>
public static class NotebookHtml
{
    private static int _plotlyWritten;
    private static int _nextFigure;

    /// <summary>
    /// An interactive plotly.js chart. The first figure of a kernel process carries plotly.js itself (inlined, no
    /// CDN: the chart draws offline); later figures wait for it, since a notebook's outputs share one page. RequireJS
    /// (classic Jupyter) is hidden while plotly.js loads, so it defines the global <c>Plotly</c> there too.
    /// </summary>
    public static string Figure(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var sb = new StringBuilder();
        if (Interlocked.Exchange(ref _plotlyWritten, 1) == 0)
            sb.Append(PlotlyScript());
        string id = "blink-figure-" + Interlocked.Increment(ref _nextFigure).ToString(CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        string json = figure.ToPlotlyJson().Replace("</", "<\\/", StringComparison.Ordinal);
        sb.Append("<div class=\"blink-figure\"><div id=\"").Append(id).Append("\" style=\"width:").Append(figure.Width)
          .Append("px;height:").Append(figure.Height).Append("px;\"></div>\n<script type=\"text/javascript\">(function(){var fig=")
          .Append(json)
          .Append(";function draw(n){if(typeof Plotly==='undefined'){if(n<200){setTimeout(function(){draw(n+1);},50);}else{")
          // After 10 s without plotly.js (the output that carried it is gone, e.g. cleared): say so instead of staying blank.
          .Append("document.getElementById(\"").Append(id).Append("\").textContent='plotly.js is not loaded on this page: run the notebook from the top (the first chart of a kernel carries it).';}return;}Plotly.newPlot(\"")
          .Append(id).Append("\",fig.data,fig.layout,fig.config);}draw(0);})();</script></div>\n");
        return sb.ToString();
    }

    /// <summary>plotly.js inlined once, with RequireJS's <c>define</c> hidden while it runs.</summary>
    public static string PlotlyScript() =>
        "<script type=\"text/javascript\">window.__blinkDefine=window.define;window.define=undefined;</script>\n" +
        OfflinePlotlyPage.PlotlyScriptElement() +
        "\n<script type=\"text/javascript\">window.define=window.__blinkDefine;</script>\n";

    /// <summary>A results table as an HTML table (the same cells as <see cref="ResultsTable.ToMarkdown"/>).</summary>
    public static string Table(ResultsTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.ToHtml();
    }

    /// <summary>One layer's saliency scan as a heatmap over the token grid, the strongest region boxed.</summary>
    public static string Saliency(SaliencyMap map) => Figure(SaliencyFigure(map));

    /// <summary>The figure behind <see cref="Saliency"/>.</summary>
    public static Figure SaliencyFigure(SaliencyMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var grid = new float[map.GridHeight, map.GridWidth];
        for (int r = 0; r < map.GridHeight; r++)
            for (int c = 0; c < map.GridWidth; c++)
                grid[r, c] = map.TokenMap[r * map.GridWidth + c];
        var s = map.Salient;
        var panel = new ChartPanel
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"layer {map.Layer}: ρ = {map.Rho:0.000}, strongest region {s}"),
            XAxis = new AxisSpec { Title = "token column", Min = -0.5, Max = map.GridWidth - 0.5, IntegerTicks = true },
            YAxis = new AxisSpec { Title = "token row", Min = -0.5, Max = map.GridHeight - 0.5, Reversed = true, IntegerTicks = true },
            EqualAspect = true,
            Series = [new HeatmapSeries { Name = "attention", Values = grid, ScaleTitle = "attention" }],
            Shapes = [new RectangleShape(s.ColStart - 0.5, s.RowStart - 0.5, s.ColEnd - 0.5, s.RowEnd - 0.5) { Color = Palette.Box, Dashed = false, Label = "r_max" }],
        };
        return Plots.Figure.Single(panel, "Saliency scan", width: 520, height: 460);
    }

    /// <summary>Blink's decisions of one prefill as its trace chart (ρ by layer, thresholds, expand and drop markers).</summary>
    public static string Trace(BlinkTrace trace) => Figure(TraceFigure(trace));

    /// <summary>The figure behind <see cref="Trace"/>; the thresholds are the options the trace was recorded with.</summary>
    public static Figure TraceFigure(BlinkTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var options = trace.Options ?? throw new ArgumentException("The trace does not carry the Blink options it was recorded with.", nameof(trace));
        int gridSize = trace.Maps.Count > 0 ? trace.Maps[0].GridHeight : trace.GridSize;
        if (gridSize <= 0) throw new ArgumentException("The trace has no saliency maps and no grid size; nothing to chart.", nameof(trace));
        string title = string.Create(CultureInfo.InvariantCulture, $"Blink trace: {trace.Expansions} expansion(s), {trace.Drops} drop(s)");
        return Reporting.PilotFigures.Trace(Reporting.PilotFigures.ToTraceData(trace, options, gridSize, title));
    }

    /// <summary>A testbed (or any benchmark) question: its picture with the evidence box, the question and the truth.</summary>
    public static string Sample(BenchmarkItem item, int size = 256)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var image = item.Image.Decode();
        using var boxed = WithBox(image, item.Evidence);
        var sb = new StringBuilder();
        sb.Append("<div class=\"blink-sample\"><img src=\"").Append(PngEncoding.DataUri(boxed)).Append("\" width=\"").Append(size)
          .Append("\" alt=\"").Append(Encode(item.Image.Describe())).Append("\"/><p><b>Q:</b> ").Append(Encode(item.Question))
          .Append("<br/><b>A:</b> ").Append(Encode(item.GroundTruth ?? "(unknown)"))
          .Append("<br/><small>").Append(Encode(item.Id.ToString())).Append(" · ").Append(Encode(item.Category));
        if (item.Evidence is { } e)
            sb.Append(string.Create(CultureInfo.InvariantCulture, $" · evidence box ({e.X0:0},{e.Y0:0})–({e.X1:0},{e.Y1:0}) px"));
        sb.Append("</small></p></div>");
        return sb.ToString();
    }

    /// <summary>Markdown text shown as preformatted text (probe summaries and other Markdown reports).</summary>
    public static string Preformatted(string text) => "<pre>" + Encode(text) + "</pre>";

    private static SKBitmap WithBox(SKBitmap image, Imaging.PixelBox? box)
    {
        var copy = image.Copy();
        if (box is not { } b) return copy;
        using var canvas = new SKCanvas(copy);
        using var paint = new SKPaint { Color = Palette.Box, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(2f, MathF.Round(image.Width / 128f)), IsAntialias = false };   // axis-aligned: crisp edges
        canvas.DrawRect(SKRect.Create((float)b.X0, (float)b.Y0, (float)b.Width, (float)b.Height), paint);
        return copy;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
