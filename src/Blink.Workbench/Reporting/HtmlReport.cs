using Blink.Workbench.IO;
using System.Text;
using Blink.Workbench.Plots;
using SkiaSharp;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Reporting;

/// <summary>
/// Builds a self-contained single-page HTML report: headings, paragraphs, tables, interactive Plotly figures
/// (plotly.js inlined once, each chart as JSON + <c>Plotly.newPlot</c>), PNG images as data URIs and an environment
/// block in <c>&lt;details&gt;</c>. Opens offline; written atomically. Element ids are numbered, so the same content
/// gives the same bytes.
/// </summary>
public sealed class HtmlReport
{
    private readonly StringBuilder _body = new();
    private int _figures;
    private int _images;
    private int _openDetails;

    public HtmlReport(string title, string? subtitle = null)
    {
        Title = title;
        _body.Append("<header><h1>").Append(HtmlText.Encode(title)).Append("</h1>");
        if (!string.IsNullOrEmpty(subtitle)) _body.Append("<p class=\"subtitle\">").Append(HtmlText.Encode(subtitle)).Append("</p>");
        _body.Append("</header>\n");
    }

    public string Title { get; }

    /// <summary>Number of interactive figures added (each draws one Plotly plot).</summary>
    public int FigureCount => _figures;

    /// <summary>Number of PNG images added.</summary>
    public int ImageCount => _images;

    /// <summary>A heading; <paramref name="level"/> 2 = section, 3 = subsection.</summary>
    public HtmlReport Section(string heading, int level = 2)
    {
        level = Math.Clamp(level, 2, 6);
        _body.Append("<h").Append(level).Append('>').Append(HtmlText.Encode(heading)).Append("</h").Append(level).Append(">\n");
        return this;
    }

    /// <summary>A paragraph of plain text (escaped; blank lines start new paragraphs).</summary>
    public HtmlReport Paragraph(string text)
    {
        foreach (var para in text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            _body.Append("<p>").Append(HtmlText.Encode(para.Trim()).Replace("\n", "<br>")).Append("</p>\n");
        return this;
    }

    /// <summary>A trusted HTML fragment, inserted as is (the caller is responsible for escaping).</summary>
    public HtmlReport RawHtml(string html)
    {
        _body.Append(html).Append('\n');
        return this;
    }

    /// <summary>A table; cells are text (escaped). Cells that look numeric are right-aligned.</summary>
    public HtmlReport Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        _body.Append("<div class=\"table-wrap\"><table>");
        if (!string.IsNullOrEmpty(caption)) _body.Append("<caption>").Append(HtmlText.Encode(caption)).Append("</caption>");
        _body.Append("<thead><tr>");
        foreach (var h in headers) _body.Append("<th>").Append(HtmlText.Encode(h)).Append("</th>");
        _body.Append("</tr></thead><tbody>\n");
        foreach (var row in rows)
        {
            if (row.Count != headers.Count)
                throw new ArgumentException($"Table row has {row.Count} cells for {headers.Count} headers.", nameof(rows));
            _body.Append("<tr>");
            foreach (var cell in row)
                _body.Append(LooksNumeric(cell) ? "<td class=\"num\">" : "<td>").Append(HtmlText.Encode(cell)).Append("</td>");
            _body.Append("</tr>\n");
        }
        _body.Append("</tbody></table></div>\n");
        return this;
    }

    /// <summary>
    /// Opens a collapsed &lt;details&gt; block: everything added until <see cref="EndDetails"/> is hidden behind
    /// <paramref name="summary"/> until the reader opens it.
    /// </summary>
    public HtmlReport BeginDetails(string summary, string? cssClass = null)
    {
        _body.Append("<details").Append(cssClass is null ? "" : $" class=\"{HtmlText.Encode(cssClass)}\"").Append("><summary>")
             .Append(HtmlText.Encode(summary)).Append("</summary>\n");
        _openDetails++;
        return this;
    }

    public HtmlReport EndDetails()
    {
        if (_openDetails == 0) throw new InvalidOperationException("EndDetails without BeginDetails.");
        _openDetails--;
        _body.Append("</details>\n");
        return this;
    }

    /// <summary>
    /// A "data:" line linking the files a figure or table was drawn from (paths relative to the page, e.g.
    /// <c>eval/results.json</c>); nothing when there are none.
    /// </summary>
    public HtmlReport Sources(IEnumerable<string>? paths)
    {
        var list = (paths ?? []).ToList();
        if (list.Count == 0) return this;
        _body.Append(SourcesHtml(list)).Append('\n');
        return this;
    }

    internal static string SourcesHtml(IReadOnlyList<string> paths) =>
        "<p class=\"sources\">data: " + string.Join(" · ", paths.Select(p =>
            $"<a href=\"{HtmlText.Encode(string.Join('/', p.Split('/').Select(Uri.EscapeDataString)))}\">{HtmlText.Encode(p)}</a>")) + "</p>";

    /// <summary>An interactive figure (drawn by the inlined plotly.js).</summary>
    public HtmlReport Figure(Figure figure, string? caption = null, IReadOnlyList<string>? sources = null)
    {
        _figures++;
        _body.Append("<figure>").Append(OfflinePlotlyPage.FigureElement(figure, $"plot-{_figures}"));
        AppendCaption(caption, sources);
        _body.Append("</figure>\n");
        return this;
    }

    /// <summary>
    /// A Plotly figure given as its JSON (<c>{"data": [...], "layout": {...}}</c>), drawn at the page's width
    /// (responsive) and <paramref name="height"/> pixels tall. For charts the <see cref="Plots"/> model does not cover
    /// (long category labels, per-point marker symbols).
    /// </summary>
    public HtmlReport PlotlyFigure(string figureJson, int height, string? caption = null, IReadOnlyList<string>? sources = null, string? id = null)
    {
        _figures++;
        var elementId = id ?? $"plot-{_figures}";
        _body.Append("<figure><div class=\"blink-figure responsive\"><div id=\"").Append(HtmlText.Encode(elementId)).Append("\" style=\"width:100%;height:")
             .Append(height).Append("px;\"></div>\n<script type=\"text/javascript\">(function(){var fig=").Append(figureJson.Replace("</", "<\\/"))
             .Append(";Plotly.newPlot(\"").Append(HtmlText.Encode(elementId)).Append("\",fig.data,fig.layout,{displaylogo:false,displayModeBar:false,responsive:true});})();</script></div>");
        AppendCaption(caption, sources);
        _body.Append("</figure>\n");
        return this;
    }

    /// <summary>A bitmap embedded as a PNG data URI.</summary>
    public HtmlReport Image(SKBitmap bitmap, string? caption = null, string? alt = null, IReadOnlyList<string>? sources = null) =>
        ImagePng(PngEncoding.Encode(bitmap), caption, alt, sources);

    /// <summary>PNG bytes embedded as a data URI.</summary>
    public HtmlReport ImagePng(byte[] png, string? caption = null, string? alt = null, IReadOnlyList<string>? sources = null)
    {
        _images++;
        _body.Append("<figure><img class=\"png\" alt=\"").Append(HtmlText.Encode(alt ?? caption ?? $"image {_images}"))
             .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">");
        AppendCaption(caption, sources);
        _body.Append("</figure>\n");
        return this;
    }

    /// <summary>A collapsed &lt;details&gt; block of key/value pairs (machine, versions, seeds, command line).</summary>
    public HtmlReport Environment(IEnumerable<KeyValuePair<string, string>> entries, string summary = "Environment")
    {
        _body.Append("<details class=\"environment\"><summary>").Append(HtmlText.Encode(summary)).Append("</summary><table><tbody>\n");
        foreach (var (k, v) in entries)
            _body.Append("<tr><th>").Append(HtmlText.Encode(k)).Append("</th><td><code>").Append(HtmlText.Encode(v)).Append("</code></td></tr>\n");
        _body.Append("</tbody></table></details>\n");
        return this;
    }

    /// <summary>The whole page.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder(_body.Length + 3_700_000);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>").Append(HtmlText.Encode(Title)).Append("</title>\n<style>").Append(Css).Append("</style>\n");
        // plotly.js only when there is something to draw; once, in <head>, before any Plotly.newPlot call.
        if (_figures > 0) sb.Append(OfflinePlotlyPage.PlotlyScriptElement()).Append('\n');
        sb.Append("</head>\n<body>\n<main>\n").Append(_body);
        for (int i = 0; i < _openDetails; i++) sb.Append("</details>\n");
        if (_figures > 0) sb.Append("<script type=\"text/javascript\">").Append(FitScript).Append("</script>\n");
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the page atomically (temp file, then rename) and returns the full path.</summary>
    public string Save(string path)
    {
        AtomicFile.WriteAllText(path, ToHtml());
        return Path.GetFullPath(path);
    }

    private void AppendCaption(string? caption, IReadOnlyList<string>? sources = null)
    {
        if (string.IsNullOrEmpty(caption) && sources is not { Count: > 0 }) return;
        _body.Append("<figcaption>").Append(HtmlText.Encode(caption ?? ""));
        if (sources is { Count: > 0 }) _body.Append(' ').Append(SourcesHtml(sources).Replace("<p class=\"sources\">", "<span class=\"sources\">").Replace("</p>", "</span>"));
        _body.Append("</figcaption>");
    }

    private static bool LooksNumeric(string cell)
    {
        var t = cell.Trim().TrimEnd('%').Replace("±", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return t.Length > 0 && t.All(p => double.TryParse(p.Trim('(', ')', '[', ']', ','), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    /// <summary>
    /// Shrinks every fixed-width figure that is wider than its column to the column's width (Plotly redraws it), on
    /// load and on resize, so no figure makes the page scroll sideways; narrower figures keep their size.
    /// </summary>
    private const string FitScript = """
        (function(){function fit(){var els=document.querySelectorAll('.blink-figure:not(.responsive) > div[id]');
        for(var i=0;i<els.length;i++){var el=els[i];if(!el.layout)continue;var nat=+(el.getAttribute('data-natural-width')||0);
        if(!nat){nat=el.layout.width||el.offsetWidth;el.setAttribute('data-natural-width',nat);}
        var w=Math.floor(Math.min(nat,el.parentNode.clientWidth));if(Math.abs(el.offsetWidth-w)>0.5||Math.abs((el.layout.width||0)-w)>0.5){el.style.width=w+'px';Plotly.relayout(el,{width:w});}}}
        fit();var t;window.addEventListener('resize',function(){clearTimeout(t);t=setTimeout(fit,100);});})();
        """;

    private const string Css = """
        body{margin:0;background:#fafafa;color:#1d1d1f;font:15px/1.5 "DejaVu Sans",Verdana,Arial,sans-serif}
        main{max-width:1200px;margin:0 auto;padding:24px 32px 64px;background:#fff;min-height:100vh}
        h1{font-size:28px;margin:8px 0 4px}h2{font-size:21px;margin:36px 0 8px;border-bottom:1px solid #e3e3e3;padding-bottom:4px}
        h3{font-size:17px;margin:24px 0 6px}.subtitle{color:#666;margin-top:0}
        table{border-collapse:collapse;margin:12px 0;font-size:14px}caption{text-align:left;color:#555;padding:4px 0}
        th,td{border-bottom:1px solid #e6e6e6;padding:5px 12px;text-align:left;vertical-align:top}thead th{border-bottom:2px solid #bbb;background:#f5f5f5}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        figure{margin:18px 0;max-width:100%}figcaption{color:#555;font-size:13px;margin-top:4px}img.png{max-width:100%;height:auto;border:1px solid #eee}
        .blink-figure{max-width:100%;overflow:hidden}.table-wrap{max-width:100%;overflow-x:auto}
        .sources{color:#555;font-size:13px}.sources a{color:#1a5fb4}p.sources{margin:2px 0 12px}
        details{margin:14px 0}details>summary{cursor:pointer;font-weight:600;color:#333}
        details.environment{margin-top:32px;color:#444}details.environment th{font-weight:600;white-space:nowrap}code{font-size:13px;overflow-wrap:anywhere}
        .summary{background:#f6f8fb;border:1px solid #dde3ec;border-radius:6px;padding:4px 18px 8px;margin:12px 0 24px}
        .summary h2{margin-top:10px}.summary p.headline{margin:6px 0;font-size:15px}.summary figure{margin:6px 0}
        table.matrix td,table.matrix th{padding:4px 8px;text-align:center;white-space:nowrap}table.matrix th:first-child,table.matrix td:first-child{text-align:left}
        table.matrix td .ci{display:block;font-size:12px;color:#444}
        td.sig-pos{background:#9fd6a4}td.pos{background:#e2f3e3}td.sig-neg{background:#f0a3a3}td.neg{background:#fbe3e3}td.zero{background:#f3f3f3}td.base{color:#555}
        """;
}
