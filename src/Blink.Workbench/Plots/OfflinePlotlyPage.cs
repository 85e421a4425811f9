using System.Text;

namespace Blink.Workbench.Plots;

/// <summary>
/// Self-contained HTML for Plotly figures: plotly.js (the copy embedded in Plotly.NET) is inlined once per page, each
/// figure is its JSON plus a <c>Plotly.newPlot</c> call. No CDN, no RequireJS, so pages open offline.
/// </summary>
public static class OfflinePlotlyPage
{
    private const string ResourceName = "Plotly.NET.plotly-2.28.0.min.js";
    private static readonly Lazy<string> LazyScript = new(LoadScript);

    /// <summary>The plotly.js version inlined (the one Plotly.NET 6.0.0 ships).</summary>
    public const string PlotlyJsVersion = "2.28.0";

    /// <summary>The minified plotly.js source.</summary>
    public static string PlotlyJs => LazyScript.Value;

    /// <summary><c>&lt;script&gt;</c> element with plotly.js inlined; put it once in <c>&lt;head&gt;</c>.</summary>
    public static string PlotlyScriptElement() => "<script type=\"text/javascript\">" + PlotlyJs + "</script>";

    /// <summary>
    /// A <c>div</c> plus the script drawing <paramref name="figure"/> into it. <paramref name="elementId"/> must be
    /// unique in the page; it is chosen by the caller so output is deterministic (Plotly.NET uses random GUIDs).
    /// </summary>
    public static string FigureElement(Figure figure, string elementId)
    {
        // "</" inside a script block would end it early if a label contained "</script>"; "<\/" is the same string in JS.
        string json = figure.ToPlotlyJson().Replace("</", "<\\/");
        var sb = new StringBuilder();
        sb.Append("<div class=\"blink-figure\"><div id=\"").Append(elementId).Append("\" style=\"width:").Append(figure.Width)
          .Append("px;height:").Append(figure.Height).Append("px;\"></div>\n<script type=\"text/javascript\">(function(){var fig=")
          .Append(json)
          .Append(";Plotly.newPlot(\"").Append(elementId).Append("\",fig.data,fig.layout,{displaylogo:false,responsive:false});})();</script></div>\n");
        return sb.ToString();
    }

    /// <summary>A complete page with the given figures one below the other.</summary>
    public static string Document(string title, IEnumerable<Figure> figures)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
          .Append(HtmlText.Encode(title)).Append("</title>\n")
          .Append(PlotlyScriptElement()).Append("\n</head>\n<body style=\"font-family:DejaVu Sans,Verdana,Arial,sans-serif;background:#fff\">\n");
        int n = 0;
        foreach (var f in figures) sb.Append(FigureElement(f, "figure-" + (++n)));
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static string LoadScript()
    {
        using var stream = typeof(Plotly.NET.GenericChart).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"plotly.js resource '{ResourceName}' not found in Plotly.NET; was the Plotly.NET version changed?");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
