namespace Blink.Workbench.Plots;

/// <summary>Text for HTML element content and attribute values.</summary>
public static class HtmlText
{
    /// <summary>
    /// Escapes the five characters that HTML gives meaning to and nothing else: pages stay readable as UTF-8
    /// (WebUtility.HtmlEncode would turn Latin-1 characters such as "±" into numeric entities).
    /// </summary>
    public static string Encode(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");
}
