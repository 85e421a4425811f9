using System.Globalization;
using Plotly.NET;
using SkiaSharp;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Plots;

/// <summary>
/// Turns the chart model into a Plotly.NET chart. Traces and layout are written as plain plotly.js attributes
/// (DynamicObj properties) rather than through Plotly.NET's F# helper signatures: from C# that is shorter, and it
/// gives exact control over ranges, ticks and domains so the interactive chart matches the PNG.
/// </summary>
internal static class PlotlyFigureBuilder
{
    private const string GridColor = "#e6e6e6";
    private const string AxisColor = "#444444";
    private const string FontFamily = "DejaVu Sans, Verdana, Arial, sans-serif";

    public static GenericChart Build(Figure figure)
    {
        var (traces, layout) = Describe(figure);
        var chart = GenericChart.ofTraceObjects(false, traces.Select(ToTrace).ToArray());
        var plotlyLayout = new Layout();
        foreach (var (key, value) in layout) plotlyLayout.SetProperty(key, value);
        chart = GenericChart.setLayout(plotlyLayout, chart);
        var config = new Config();
        config.SetProperty("displaylogo", false);
        return GenericChart.setConfig(config, chart);
    }

    public static string ToJson(Figure figure) => GenericChart.toFigureJson(Build(figure));

    private static Trace ToTrace(Dictionary<string, object?> description)
    {
        var trace = new Trace((string)description["type"]!);
        foreach (var (key, value) in description)
            if (key != "type") trace.SetProperty(key, value);
        return trace;
    }

    /// <summary>The figure as plotly.js traces and layout (plain dictionaries).</summary>
    internal static (List<Dictionary<string, object?>> Traces, Dictionary<string, object?> Layout) Describe(Figure figure)
    {
        var geometry = new FigureLayout(figure);
        var paper = geometry.Paper;
        var traces = new List<Dictionary<string, object?>>();
        var shapes = new List<object>();
        var annotations = new List<object>();
        var images = new List<object>();
        var layout = new Dictionary<string, object?>();
        var legendShown = new HashSet<string>(StringComparer.Ordinal);
        bool colorBarShown = false;
        bool anyHistogram = false;

        for (int i = 0; i < figure.Panels.Count; i++)
        {
            var panel = figure.Panels[i];
            string suffix = i == 0 ? "" : (i + 1).ToString(CultureInfo.InvariantCulture);
            string xRef = "x" + suffix, yRef = "y" + suffix;
            var rect = geometry.PlotRects[i];
            var (xRange, yRange) = AxisRange.For(panel);
            double[] xDomain = [Clamp01((rect.Left - paper.Left) / paper.Width), Clamp01((rect.Right - paper.Left) / paper.Width)];
            double[] yDomain = [Clamp01(1 - (rect.Bottom - paper.Top) / paper.Height), Clamp01(1 - (rect.Top - paper.Top) / paper.Height)];
            layout["xaxis" + suffix] = Axis(panel.XAxis, xRange, xDomain, yRef, rect.Width / FigureLayout.XTickSpacing);
            layout["yaxis" + suffix] = Axis(panel.YAxis, yRange, yDomain, xRef, rect.Height / FigureLayout.YTickSpacing);

            if (!string.IsNullOrEmpty(panel.Title))
                annotations.Add(Obj(("xref", "paper"), ("yref", "paper"), ("x", (xDomain[0] + xDomain[1]) / 2), ("y", yDomain[1]),
                    ("xanchor", "center"), ("yanchor", "bottom"), ("yshift", 4), ("showarrow", false), ("text", Escape(panel.Title)),
                    ("font", Obj(("size", FigureLayout.PanelTitleSize), ("color", "#222222")))));

            if (panel.Background is { } bg)
            {
                double top = panel.YAxis.Reversed ? Math.Min(bg.Y0, bg.Y1) : Math.Max(bg.Y0, bg.Y1);
                images.Add(Obj(("source", PngEncoding.JpegDataUri(bg.Image)), ("xref", xRef), ("yref", yRef),
                    ("x", Math.Min(bg.X0, bg.X1)), ("y", top), ("sizex", Math.Abs(bg.X1 - bg.X0)), ("sizey", Math.Abs(bg.Y1 - bg.Y0)),
                    ("xanchor", "left"), ("yanchor", "top"), ("sizing", "stretch"), ("layer", "below")));
            }

            foreach (var series in panel.Series)
            {
                var color = figure.ColorOf(series);
                bool showLegend = series.ShowInLegend && !string.IsNullOrEmpty(series.Name) && series is not HeatmapSeries && legendShown.Add(series.Name);
                switch (series)
                {
                    case XYSeries xy:
                        traces.AddRange(XY(xy, color, xRef, yRef, showLegend));
                        break;
                    case BarSeries bar:
                        traces.Add(Obj(("type", "bar"), ("name", series.Name), ("legendgroup", series.Name), ("showlegend", showLegend),
                            ("xaxis", xRef), ("yaxis", yRef),
                            ("x", Enumerable.Range(0, bar.Values.Length).ToArray()), ("y", Clean(bar.Values)),
                            ("marker", Obj(("color", Palette.Css(color)))),
                            ("error_y", ErrorBars(bar.ErrorMinus, bar.ErrorPlus, "#333333"))));
                        break;
                    case HistogramSeries hist:
                        anyHistogram = true;
                        // Pre-binned bars (not a plotly "histogram" trace) so the counts are exactly the PNG's.
                        var counts = hist.Counts();
                        traces.Add(Obj(("type", "bar"), ("name", series.Name), ("legendgroup", series.Name), ("showlegend", showLegend),
                            ("xaxis", xRef), ("yaxis", yRef),
                            ("x", Enumerable.Range(0, counts.Length).Select(b => hist.BinStart + (b + 0.5) * hist.BinSize).ToArray()),
                            ("y", counts), ("width", hist.BinSize), ("opacity", hist.Opacity),
                            ("marker", Obj(("color", Palette.Css(color)), ("line", Obj(("color", "white"), ("width", 0.5))))),
                            ("hovertemplate", "[%{x}]: %{y}<extra>" + Escape(series.Name) + "</extra>")));
                        break;
                    case HeatmapSeries heat:
                        var (zMin, zMax) = heat.ResolveRange();
                        bool scale = heat.ShowScale && !colorBarShown;
                        colorBarShown |= scale;
                        traces.Add(Obj(("type", "heatmap"), ("name", series.Name), ("showlegend", false),
                            ("xaxis", xRef), ("yaxis", yRef),
                            ("z", Rows(heat.Values)), ("zmin", zMin), ("zmax", zMax), ("zauto", false),
                            ("colorscale", heat.ColorMap.ToPlotlyColorScale()), ("opacity", heat.Opacity),
                            ("zsmooth", heat.Smooth ? "best" : (object)false),
                            ("showscale", scale),
                            ("colorbar", scale ? Obj(("title", Obj(("text", Escape(heat.ScaleTitle ?? "")))), ("x", 1 + (geometry.LegendWidth + 8) / paper.Width),
                                ("xanchor", "left"), ("len", 1), ("thickness", 14), ("outlinewidth", 0)) : null),
                            ("hovertemplate", "row %{y}, col %{x}: %{z:.4g}<extra></extra>")));
                        break;
                }
            }

            int verticalLabels = 0;
            foreach (var shape in panel.Shapes)
            {
                var line = Obj(("color", Palette.Css(shape.Color)), ("width", shape.LineWidth), ("dash", shape.Dashed ? "dash" : "solid"));
                switch (shape)
                {
                    case VerticalLine v:
                        shapes.Add(Obj(("type", "line"), ("xref", xRef), ("yref", yRef + " domain"), ("x0", v.X), ("x1", v.X), ("y0", 0), ("y1", 1), ("line", line)));
                        if (v.Label is not null)
                            annotations.Add(Obj(("xref", xRef), ("yref", yRef + " domain"), ("x", v.X), ("y", 1), ("xanchor", "left"), ("yanchor", "top"),
                                ("xshift", 3), ("yshift", -2 - 15 * verticalLabels++), ("showarrow", false), ("text", Escape(v.Label)),
                                ("font", Obj(("size", 11), ("color", Palette.Css(shape.Color))))));
                        break;
                    case HorizontalLine h:
                        shapes.Add(Obj(("type", "line"), ("xref", xRef + " domain"), ("yref", yRef), ("x0", 0), ("x1", 1), ("y0", h.Y), ("y1", h.Y), ("line", line)));
                        if (h.Label is not null)
                            annotations.Add(Obj(("xref", xRef + " domain"), ("yref", yRef), ("x", 1), ("y", h.Y), ("xanchor", "right"), ("yanchor", "bottom"),
                                ("xshift", -3), ("showarrow", false), ("text", Escape(h.Label)), ("font", Obj(("size", 11), ("color", Palette.Css(shape.Color))))));
                        break;
                    case RectangleShape r:
                        shapes.Add(Obj(("type", "rect"), ("xref", xRef), ("yref", yRef), ("x0", r.X0), ("x1", r.X1), ("y0", r.Y0), ("y1", r.Y1),
                            ("line", line), ("fillcolor", "rgba(0,0,0,0)")));
                        if (r.Label is not null)
                        {
                            // Inside the box's top-left corner: above it, the tag would collide with the panel title
                            // when the box touches the top of an image.
                            double top = panel.YAxis.Reversed ? Math.Min(r.Y0, r.Y1) : Math.Max(r.Y0, r.Y1);
                            annotations.Add(Obj(("xref", xRef), ("yref", yRef), ("x", Math.Min(r.X0, r.X1)), ("y", top), ("xanchor", "left"), ("yanchor", "top"),
                                ("showarrow", false), ("text", Escape(r.Label)), ("bgcolor", Palette.Css(shape.Color)), ("borderpad", 2),
                                ("font", Obj(("size", 11), ("color", "white")))));
                        }
                        break;
                }
            }
        }

        layout["title"] = string.IsNullOrEmpty(figure.Title) ? null
            : Obj(("text", Escape(figure.Title)), ("x", 0.5), ("xanchor", "center"), ("y", 1 - 12.0 / figure.Height), ("yanchor", "top"),
                ("font", Obj(("size", FigureLayout.TitleSize), ("color", "#111111"))));
        layout["width"] = figure.Width;
        layout["height"] = figure.Height;
        layout["autosize"] = false;
        layout["margin"] = Obj(("l", geometry.MarginLeft), ("r", geometry.MarginRight), ("t", geometry.MarginTop), ("b", geometry.MarginBottom), ("pad", 0));
        layout["font"] = Obj(("family", FontFamily), ("size", 12), ("color", "#222222"));
        layout["paper_bgcolor"] = "white";
        layout["plot_bgcolor"] = "white";
        layout["showlegend"] = legendShown.Count > 0;
        layout["legend"] = Obj(("x", 1 + 8 / paper.Width), ("xanchor", "left"), ("y", 1), ("yanchor", "top"), ("font", Obj(("size", FigureLayout.LegendSize))));
        layout["barmode"] = anyHistogram ? "overlay" : "group";
        layout["bargap"] = 0.2;
        layout["bargroupgap"] = 0;
        layout["shapes"] = shapes;
        layout["annotations"] = annotations;
        layout["images"] = images;
        return (traces, RemoveNulls(layout));
    }

    private static IEnumerable<Dictionary<string, object?>> XY(XYSeries s, SKColor color, string xRef, string yRef, bool showLegend)
    {
        if (s.BandLower is not null && s.BandUpper is not null)
        {
            // A band is two traces: the lower edge (invisible), then the upper edge filled down to the previous trace.
            yield return Obj(("type", "scatter"), ("mode", "lines"), ("xaxis", xRef), ("yaxis", yRef), ("x", Clean(s.X)), ("y", Clean(s.BandLower)),
                ("line", Obj(("width", 0), ("color", Palette.Css(color, 0.2)))), ("showlegend", false), ("legendgroup", s.Name), ("hoverinfo", "skip"), ("name", s.Name + " (lower)"));
            yield return Obj(("type", "scatter"), ("mode", "lines"), ("xaxis", xRef), ("yaxis", yRef), ("x", Clean(s.X)), ("y", Clean(s.BandUpper)),
                ("fill", "tonexty"), ("fillcolor", Palette.Css(color, 0.2)), ("line", Obj(("width", 0), ("color", Palette.Css(color, 0.2)))),
                ("showlegend", false), ("legendgroup", s.Name), ("hoverinfo", "skip"), ("name", s.Name + " (upper)"));
        }
        string mode = s.Mode switch { LineMode.Lines => "lines", LineMode.Markers => "markers", _ => "lines+markers" };
        if (s.PointLabels is not null) mode += "+text";
        yield return Obj(("type", "scatter"), ("mode", mode), ("name", s.Name), ("legendgroup", s.Name), ("showlegend", showLegend),
            ("xaxis", xRef), ("yaxis", yRef), ("x", Clean(s.X)), ("y", Clean(s.Y)),
            ("line", Obj(("color", Palette.Css(color)), ("width", s.LineWidth), ("dash", s.Dashed ? "dash" : "solid"))),
            ("marker", Obj(("color", Palette.Css(color)), ("size", s.MarkerSize), ("symbol", Symbol(s.Marker)), ("line", Obj(("color", "white"), ("width", 1))))),
            ("error_y", ErrorBars(s.ErrorYMinus, s.ErrorYPlus, Palette.Css(color))),
            ("error_x", ErrorBars(s.ErrorXMinus, s.ErrorXPlus, Palette.Css(color))),
            ("text", s.PointLabels?.Select(Escape).ToArray()), ("textposition", s.PointLabels is null ? null : "top center"),
            ("textfont", s.PointLabels is null ? null : Obj(("size", 11), ("color", Palette.Css(color)))));
    }

    private static Dictionary<string, object?> Axis(AxisSpec spec, AxisRange range, double[] domain, string anchor, double approxTicks)
    {
        var axis = Obj(("domain", domain), ("anchor", anchor),
            ("range", spec.Reversed ? new[] { range.Max, range.Min } : new[] { range.Min, range.Max }), ("autorange", false),
            ("showgrid", !spec.Hidden), ("gridcolor", GridColor), ("zeroline", false),
            ("showline", !spec.Hidden), ("linecolor", AxisColor), ("mirror", false),
            ("ticks", spec.Hidden ? "" : "outside"), ("tickcolor", AxisColor), ("ticklen", 4),
            ("showticklabels", !spec.Hidden), ("tickfont", Obj(("size", FigureLayout.TickSize))),
            ("title", spec.Title is null || spec.Hidden ? null : Obj(("text", Escape(spec.Title)), ("font", Obj(("size", FigureLayout.AxisTitleSize))))));
        if (spec.Hidden) return axis;
        if (spec.Categories is { } cats)
        {
            axis["tickmode"] = "array";
            axis["tickvals"] = Enumerable.Range(0, cats.Length).ToArray();
            axis["ticktext"] = cats.Select(Escape).ToArray();
        }
        else
        {
            var ticks = NiceTicks.For(range, Math.Max(2, (int)approxTicks), spec.IntegerTicks);
            if (ticks.Count > 0)
            {
                axis["tickmode"] = "linear";
                axis["tick0"] = ticks[0];
                axis["dtick"] = NiceTicks.Step(range, Math.Max(2, (int)approxTicks), spec.IntegerTicks);
            }
        }
        return axis;
    }

    private static Dictionary<string, object?>? ErrorBars(double[]? minus, double[]? plus, string color)
    {
        if (minus is null && plus is null) return null;
        var up = Clean(plus ?? minus!);
        var down = Clean(minus ?? plus!);
        return Obj(("type", "data"), ("symmetric", false), ("array", up), ("arrayminus", down), ("color", color), ("thickness", 1.5), ("width", 4), ("visible", true));
    }

    private static string Symbol(MarkerShape shape) => shape switch
    {
        MarkerShape.Square => "square",
        MarkerShape.Diamond => "diamond",
        MarkerShape.TriangleUp => "triangle-up",
        MarkerShape.TriangleDown => "triangle-down",
        _ => "circle",
    };

    /// <summary>Plotly treats its text as HTML: escape what would otherwise be markup (labels come from data).</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static double Clamp01(double v) => Math.Clamp(v, 0, 1);

    /// <summary>NaN/∞ are not JSON; plotly reads null as a gap.</summary>
    private static double?[] Clean(double[] values) => values.Select(v => double.IsFinite(v) ? v : (double?)null).ToArray();

    private static double?[][] Rows(float[,] grid)
    {
        int rows = grid.GetLength(0), cols = grid.GetLength(1);
        var result = new double?[rows][];
        for (int r = 0; r < rows; r++)
        {
            result[r] = new double?[cols];
            for (int c = 0; c < cols; c++)
                // float → shortest decimal text → double: 0.1f becomes 0.1, not 0.10000000149011612.
                result[r][c] = float.IsFinite(grid[r, c]) ? double.Parse(grid[r, c].ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;
        }
        return result;
    }

    private static Dictionary<string, object?> Obj(params (string Key, object? Value)[] entries)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in entries)
            if (v is not null) d[k] = v;
        return d;
    }

    private static Dictionary<string, object?> RemoveNulls(Dictionary<string, object?> d) =>
        d.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
