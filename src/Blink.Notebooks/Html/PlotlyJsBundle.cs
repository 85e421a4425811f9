using System.Text.RegularExpressions;

namespace Blink.Notebooks.Html;

/// <summary>
/// The plotly.js that Plotly.NET embeds as a manifest resource ("Plotly.NET.plotly-2.28.0.min.js" in 6.0.0), so pages
/// work offline: no CDN is ever referenced by the pages this project writes.
/// </summary>
public static partial class PlotlyJsBundle
{
    private static readonly Lazy<(string Version, string Script)> Bundle = new(Load);

    /// <summary>The plotly.js version bundled with the referenced Plotly.NET (e.g. "2.28.0").</summary>
    public static string Version => Bundle.Value.Version;

    /// <summary>The minified plotly.js source.</summary>
    public static string Script => Bundle.Value.Script;

    private static (string, string) Load()
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().Select(n => (Name: n, Match: ResourceName().Match(n)))
            .FirstOrDefault(n => n.Match.Success);
        if (name.Name is null)
            throw new InvalidOperationException($"{assembly.GetName().Name} does not embed plotly.js (no 'plotly-<version>.min.js' resource).");
        using var stream = assembly.GetManifestResourceStream(name.Name)!;
        using var reader = new StreamReader(stream);
        return (name.Match.Groups[1].Value, reader.ReadToEnd());
    }

    [GeneratedRegex(@"plotly-(\d+\.\d+\.\d+)\.min\.js$")]
    private static partial Regex ResourceName();
}
