using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Blink.Notebooks.Documents;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Blink.Notebooks.Html;

/// <summary>
/// A self-contained, offline HTML page of an executed notebook: Markdown through Markdig, outputs in their richest
/// MIME type. The library's chart outputs already carry plotly.js (the first chart of a kernel inlines it), so the
/// page draws its charts with no network. Kept rather than nbconvert's HTML export: that needs a Jupyter install the
/// tests do not have, and its page (Debian's nbconvert 6.5.3) loads require.js and MathJax from
/// file:///usr/share/javascript, so it opens only where those Debian packages are installed.
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
        foreach (var cell in notebook.Cells)
        {
            if (cell.IsMarkdown)
            {
                body.Append("<div class=\"cell markdown\">\n")
                    .Append(Markdown(cell.Source, url => ResolveUrl(url, cell, options)))
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
                var html = RenderOutput(output);
                body.Append("<div class=\"output\">").Append(html).Append("</div>\n");
            }
            body.Append("</div>\n");
        }

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append($"<title>{Encode(options.Title ?? "Notebook")}</title>\n<style>{Style}</style>\n");
        page.Append("</head>\n<body>\n<main>\n").Append(body).Append("</main>\n</body>\n</html>\n");
        return page.ToString();
    }

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().UseEmphasisExtras().UseAutoLinks().Build();

    /// <summary>Markdown to HTML; image URLs go through <paramref name="resolveUrl"/> (local files become data: URIs).</summary>
    private static string Markdown(string markdown, Func<string, string>? resolveUrl = null)
    {
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        if (resolveUrl is not null)
            foreach (var link in document.Descendants<LinkInline>())
                if (link.IsImage && link.Url is { } url) link.Url = resolveUrl(url);
        return document.ToHtml(Pipeline);
    }

    private static string RenderOutput(CellOutput output)
    {
        switch (output)
        {
            case StreamOutput stream:
                return $"<pre class=\"{(stream.Name == "stderr" ? "stderr" : "stdout")}\">{Encode(stream.Text)}</pre>";
            case ErrorOutput error:
                var text = error.Traceback.Count > 0 && error.Traceback.Any(t => t.Length > 0) ? string.Join("\n", error.Traceback) : error.Value;
                return $"<pre class=\"error\">{Encode(text)}</pre>";
            case DisplayOutput display:
                var mime = MimePreference.FirstOrDefault(display.Data.ContainsKey) ?? display.Data.Keys.FirstOrDefault();
                if (mime is null) return "";
                var value = display.Data[mime];
                return mime switch
                {
                    "text/html" or "image/svg+xml" => value,
                    "image/png" or "image/jpeg" => $"<img src=\"data:{mime};base64,{value.Trim()}\"/>",
                    "text/markdown" => Markdown(value),
                    _ => $"<pre>{Encode(value)}</pre>",
                };
            default:
                return "";
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
