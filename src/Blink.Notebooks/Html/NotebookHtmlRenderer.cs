using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Blink.Notebooks.Documents;

namespace Blink.Notebooks.Html;

/// <summary>
/// A self-contained, offline HTML page of an (executed) notebook. When any output is a Plotly chart, plotly.js is
/// inlined once in the head (from Plotly.NET's embedded copy — never a CDN) together with a minimal RequireJS stand-in,
/// so the kernel-style chart fragments (which ask RequireJS for 'plotly') render without network access.
/// </summary>
public static class NotebookHtmlRenderer
{
    private static readonly string[] MimePreference =
        ["text/html", "image/png", "image/jpeg", "image/svg+xml", "text/markdown", "text/plain", "application/json"];

    public static void RenderToFile(NotebookDocument notebook, string path, NotebookHtmlOptions? options = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        File.WriteAllText(path, Render(notebook, options));
    }

    public static string Render(NotebookDocument notebook, NotebookHtmlOptions? options = null)
    {
        options ??= new NotebookHtmlOptions();
        var body = new StringBuilder();
        var needsPlotly = false;
        foreach (var cell in notebook.Cells)
        {
            if (cell.IsMarkdown)
            {
                body.Append("<div class=\"cell markdown\">\n")
                    .Append(MarkdownRenderer.ToHtml(cell.Source, url => ResolveUrl(url, cell, options)))
                    .Append("</div>\n");
                continue;
            }
            if (!cell.IsCode) continue;

            body.Append("<div class=\"cell code\">\n");
            if (options.IncludeCode)
                body.Append($"<div class=\"prompt\">[{(cell.ExecutionCount?.ToString() ?? " ")}]:</div>")
                    .Append($"<pre class=\"source\"><code class=\"language-csharp\">{Encode(cell.Source)}</code></pre>\n");
            foreach (var output in cell.Outputs)
            {
                var (html, isChart) = RenderOutput(output);
                needsPlotly |= isChart;
                body.Append("<div class=\"output\">").Append(html).Append("</div>\n");
            }
            body.Append("</div>\n");
        }

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append($"<title>{Encode(options.Title ?? "Notebook")}</title>\n<style>{Style}</style>\n");
        if (needsPlotly)
            page.Append("<script type=\"text/javascript\">\n").Append(PlotlyJsBundle.Script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase))
                .Append("\n</script>\n<script type=\"text/javascript\">").Append(RequireShim).Append("</script>\n");
        page.Append("</head>\n<body>\n<main>\n").Append(body).Append("</main>\n</body>\n</html>\n");
        return page.ToString();
    }

    private static (string Html, bool IsChart) RenderOutput(CellOutput output)
    {
        switch (output)
        {
            case StreamOutput stream:
                return ($"<pre class=\"{(stream.Name == "stderr" ? "stderr" : "stdout")}\">{Encode(stream.Text)}</pre>", false);
            case ErrorOutput error:
                var text = error.Traceback.Count > 0 ? string.Join("\n", error.Traceback) : error.Value;
                return ($"<pre class=\"error\">{Encode(text)}</pre>", false);
            case DisplayOutput display:
                var mime = MimePreference.FirstOrDefault(display.Data.ContainsKey) ?? display.Data.Keys.FirstOrDefault();
                if (mime is null) return ("", false);
                var value = display.Data[mime];
                return mime switch
                {
                    "text/html" => (value, value.Contains("Plotly.newPlot", StringComparison.Ordinal)),
                    "image/png" or "image/jpeg" => ($"<img src=\"data:{mime};base64,{value.Trim()}\"/>", false),
                    "image/svg+xml" => (value, false),
                    "text/markdown" => (MarkdownRenderer.ToHtml(value), false),
                    _ => ($"<pre>{Encode(value)}</pre>", false),
                };
            default:
                return ("", false);
        }
    }

    /// <summary>Local images (and cell attachments) become data: URIs so the page has no outside dependencies.</summary>
    private static string ResolveUrl(string url, NotebookCell cell, NotebookHtmlOptions options)
    {
        if (url.StartsWith("attachment:", StringComparison.Ordinal))
        {
            var name = url["attachment:".Length..];
            if (cell.Extra["attachments"]?[name] is JsonObject bundle && bundle.FirstOrDefault() is { Value: not null } first)
                return $"data:{first.Key};base64,{first.Value.ToString()}";
            return url;
        }
        if (options.ResourceDirectory is null || url.Contains("://", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal)) return url;
        var path = Path.GetFullPath(Uri.UnescapeDataString(url), options.ResourceDirectory);
        var mime = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".gif" => "image/gif",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        return mime is not null && File.Exists(path) ? $"data:{mime};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}" : url;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    // The kernel's chart fragment does requirejs.config({paths: {plotly: CDN}})(['plotly'], render) and loads
    // require.js from a CDN when requirejs is missing. This stand-in hands it the inlined Plotly instead.
    private const string RequireShim = """

        (function () {
          if (typeof window.requirejs === 'function' && typeof window.requirejs.config === 'function') return;
          var shim = function (deps, callback) { if (callback) callback(window.Plotly); };
          shim.config = function () { return shim; };
          window.requirejs = shim;
        })();

        """;

    private const string Style = """

        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #fafafa; color: #1f2328; }
        main { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
        .cell { margin: 0.75rem 0; }
        .cell.code { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 0.75rem; }
        .prompt { color: #57606a; font-family: ui-monospace, monospace; font-size: 0.8rem; }
        pre { overflow-x: auto; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
        pre.source { background: #f6f8fa; padding: 0.5rem; border-radius: 4px; margin: 0.25rem 0; }
        .output { margin-top: 0.4rem; overflow-x: auto; }
        pre.stderr { color: #9a6700; }
        pre.error { color: #cf222e; background: #ffebe9; padding: 0.5rem; border-radius: 4px; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.5rem; }
        blockquote { border-left: 4px solid #d0d7de; margin-left: 0; padding-left: 1rem; color: #57606a; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }

        """;
}
