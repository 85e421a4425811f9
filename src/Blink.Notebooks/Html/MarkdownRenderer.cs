using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Blink.Notebooks.Html;

/// <summary>
/// A small Markdown-to-HTML converter for notebook text cells: ATX headings, paragraphs, emphasis, inline code,
/// fenced code, links, images, (nested) lists, block quotes, pipe tables and rules. Raw HTML in the Markdown is
/// escaped, not passed through; math ($…$) is left as text.
/// </summary>
public static partial class MarkdownRenderer
{
    /// <param name="markdown">The Markdown text.</param>
    /// <param name="resolveUrl">Maps a link/image target to what the page should use (e.g. a data: URI for a local image).</param>
    public static string ToHtml(string markdown, Func<string, string>? resolveUrl = null)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var html = new StringBuilder();
        RenderBlocks(lines, html, resolveUrl ?? (u => u));
        return html.ToString();
    }

    private static void RenderBlocks(IReadOnlyList<string> lines, StringBuilder html, Func<string, string> resolveUrl)
    {
        var i = 0;
        while (i < lines.Count)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) { i++; continue; }

            if (Fence().Match(line) is { Success: true } fence)
            {
                var marker = fence.Groups[1].Value;
                var language = fence.Groups[2].Value.Trim();
                var code = new List<string>();
                for (i++; i < lines.Count && !lines[i].TrimStart().StartsWith(marker, StringComparison.Ordinal); i++) code.Add(lines[i]);
                i++;
                var cls = language.Length > 0 ? $" class=\"language-{Encode(language)}\"" : "";
                html.Append($"<pre><code{cls}>{Encode(string.Join("\n", code))}</code></pre>\n");
            }
            else if (Heading().Match(line) is { Success: true } heading)
            {
                var level = heading.Groups[1].Value.Length;
                html.Append($"<h{level}>{Inline(heading.Groups[2].Value.TrimEnd('#', ' '), resolveUrl)}</h{level}>\n");
                i++;
            }
            else if (Rule().IsMatch(line))
            {
                html.Append("<hr/>\n");
                i++;
            }
            else if (line.TrimStart().StartsWith('>'))
            {
                var quoted = new List<string>();
                for (; i < lines.Count && lines[i].TrimStart().StartsWith('>'); i++)
                {
                    var text = lines[i].TrimStart()[1..];
                    quoted.Add(text.StartsWith(' ') ? text[1..] : text);
                }
                html.Append("<blockquote>\n");
                RenderBlocks(quoted, html, resolveUrl);
                html.Append("</blockquote>\n");
            }
            else if (ListItem().Match(line) is { Success: true } item)
            {
                i = RenderList(lines, i, char.IsDigit(item.Groups[2].Value[0]), html, resolveUrl);
            }
            else if (i + 1 < lines.Count && line.Contains('|') && TableSeparator().IsMatch(lines[i + 1]))
            {
                i = RenderTable(lines, i, html, resolveUrl);
            }
            else
            {
                var paragraph = new List<string>();
                for (; i < lines.Count && !string.IsNullOrWhiteSpace(lines[i]) && !StartsBlock(lines[i]); i++) paragraph.Add(lines[i]);
                if (paragraph.Count == 0) { paragraph.Add(lines[i]); i++; }
                var text = string.Join("\n", paragraph.Select(l => l.EndsWith("  ", StringComparison.Ordinal) ? l.TrimEnd() + "\u0000" : l.Trim()));
                html.Append($"<p>{Inline(text, resolveUrl).Replace("\u0000", "<br/>")}</p>\n");
            }
        }
    }

    private static bool StartsBlock(string line) =>
        Fence().IsMatch(line) || Heading().IsMatch(line) || Rule().IsMatch(line) || line.TrimStart().StartsWith('>') || ListItem().IsMatch(line);

    private static int RenderList(IReadOnlyList<string> lines, int i, bool ordered, StringBuilder html, Func<string, string> resolveUrl)
    {
        var baseIndent = ListItem().Match(lines[i]).Groups[1].Value.Length;
        var tag = ordered ? "ol" : "ul";
        html.Append($"<{tag}>\n");
        while (i < lines.Count && ListItem().Match(lines[i]) is { Success: true } item && item.Groups[1].Value.Length == baseIndent)
        {
            var content = new List<string> { lines[i][item.Length..] };
            var contentIndent = item.Length;
            for (i++; i < lines.Count; i++)
            {
                var next = lines[i];
                if (string.IsNullOrWhiteSpace(next))
                {
                    // A blank line continues the item only if indented content follows.
                    if (i + 1 < lines.Count && Indent(lines[i + 1]) > baseIndent) { content.Add(""); continue; }
                    break;
                }
                if (Indent(next) > baseIndent) content.Add(next.Length >= contentIndent && Indent(next) >= contentIndent ? next[contentIndent..] : next.TrimStart());
                else if (!StartsBlock(next) && !ListItem().IsMatch(next)) content.Add(next.Trim());
                else break;
            }
            var inner = new StringBuilder();
            if (content.Count == 1 || content.Skip(1).All(l => !StartsBlock(l) && !string.IsNullOrWhiteSpace(l)))
                inner.Append(Inline(string.Join("\n", content.Select(l => l.Trim())), resolveUrl));
            else
            {
                inner.Append(Inline(content[0].Trim(), resolveUrl)).Append('\n');
                RenderBlocks(content.Skip(1).ToList(), inner, resolveUrl);
            }
            html.Append("<li>").Append(inner.ToString().TrimEnd()).Append("</li>\n");
        }
        html.Append($"</{tag}>\n");
        return i;
    }

    private static int RenderTable(IReadOnlyList<string> lines, int i, StringBuilder html, Func<string, string> resolveUrl)
    {
        static List<string> Cells(string row)
        {
            var text = row.Trim();
            if (text.StartsWith('|')) text = text[1..];
            if (text.EndsWith('|')) text = text[..^1];
            return text.Split('|').Select(c => c.Trim()).ToList();
        }

        var alignments = Cells(lines[i + 1]).Select(c => c.StartsWith(':') && c.EndsWith(':') ? "center" : c.EndsWith(':') ? "right" : c.StartsWith(':') ? "left" : null).ToList();
        string Align(int column) => column < alignments.Count && alignments[column] is { } a ? $" style=\"text-align:{a}\"" : "";

        html.Append("<table>\n<thead><tr>");
        var header = Cells(lines[i]);
        for (var c = 0; c < header.Count; c++) html.Append($"<th{Align(c)}>{Inline(header[c], resolveUrl)}</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        for (i += 2; i < lines.Count && lines[i].Contains('|') && !string.IsNullOrWhiteSpace(lines[i]); i++)
        {
            var row = Cells(lines[i]);
            html.Append("<tr>");
            for (var c = 0; c < row.Count; c++) html.Append($"<td{Align(c)}>{Inline(row[c], resolveUrl)}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
        return i;
    }

    /// <summary>Inline markup; code spans are cut out first so nothing inside them is interpreted.</summary>
    private static string Inline(string text, Func<string, string> resolveUrl)
    {
        var result = new StringBuilder();
        var parts = CodeSpan().Split(text);
        // Split with a capture group: even indices are text, odd indices are code span contents.
        for (var p = 0; p < parts.Length; p++)
        {
            if (p % 2 == 1) { result.Append("<code>").Append(Encode(parts[p])).Append("</code>"); continue; }
            var html = Encode(parts[p]);
            html = Image().Replace(html, m => $"<img src=\"{Attribute(resolveUrl(WebUtility.HtmlDecode(m.Groups[2].Value)))}\" alt=\"{m.Groups[1].Value}\"/>");
            html = Link().Replace(html, m => $"<a href=\"{Attribute(resolveUrl(WebUtility.HtmlDecode(m.Groups[2].Value)))}\">{m.Groups[1].Value}</a>");
            html = Bold().Replace(html, "<strong>$2</strong>");
            html = Italic().Replace(html, "<em>$2</em>");
            result.Append(html);
        }
        return result.ToString();
    }

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Attribute(string text) => WebUtility.HtmlEncode(text);

    [GeneratedRegex(@"^\s*(```+|~~~+)(.*)$")] private static partial Regex Fence();
    [GeneratedRegex(@"^\s{0,3}(#{1,6})\s+(.*)$")] private static partial Regex Heading();
    [GeneratedRegex(@"^\s{0,3}([-*_])(\s*\1){2,}\s*$")] private static partial Regex Rule();
    [GeneratedRegex(@"^(\s*)([-*+]|\d+[.)])\s+")] private static partial Regex ListItem();
    [GeneratedRegex(@"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")] private static partial Regex TableSeparator();
    [GeneratedRegex("`([^`]+)`")] private static partial Regex CodeSpan();
    [GeneratedRegex(@"!\[([^\]]*)\]\(([^)\s]+)(?:\s+&quot;[^&]*&quot;)?\)")] private static partial Regex Image();
    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)(?:\s+&quot;[^&]*&quot;)?\)")] private static partial Regex Link();
    [GeneratedRegex(@"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")] private static partial Regex Bold();
    [GeneratedRegex(@"(?<![\w*])(\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")] private static partial Regex Italic();
}
