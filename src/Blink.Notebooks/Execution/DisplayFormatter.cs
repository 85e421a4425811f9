using Blink.Notebooks.Documents;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace Blink.Notebooks.Execution;

/// <summary>
/// Turns a displayed or returned value into a MIME bundle the way the kernel's FormattedValue.CreateManyFromObject
/// does: the requested MIME types, else the Formatting package's preferred ones for the value's type. Charts get the
/// Plotly.NET.Interactive formatter only after the notebook referenced that package (as in the kernel, where a chart
/// is otherwise an object tree), plus an optional image/png from <see cref="NotebookRunOptions.ChartPngRenderer"/>.
/// </summary>
internal sealed class DisplayFormatter(Func<GenericChart, byte[]?>? chartPngRenderer)
{
    public const string Html = "text/html";
    public const string PlainText = "text/plain";
    public const string Png = "image/png";

    /// <summary>Set when the notebook references Plotly.NET.Interactive.</summary>
    public bool ChartFormatterEnabled { get; set; }

    public DisplayOutput Format(object? value, IReadOnlyCollection<string> mimeTypes)
    {
        if (value is Scripting.RawMimeValue raw) return new DisplayOutput(new Dictionary<string, string> { [raw.MimeType] = raw.Text });
        var requested = mimeTypes.Where(m => !string.IsNullOrWhiteSpace(m)).Distinct().ToList();
        if (value is GenericChart chart && ChartFormatterEnabled && (requested.Count == 0 || requested.Contains(Html) || requested.Contains(Png)))
            return FormatChart(chart, requested);

        if (requested.Count == 0) requested = Formatter.GetPreferredMimeTypesFor(value?.GetType() ?? typeof(object)).ToList();
        var data = new Dictionary<string, string>();
        foreach (var mime in requested) data[mime] = value is null ? Formatter.NullString : value.ToDisplayString(mime);
        return new DisplayOutput(data);
    }

    private DisplayOutput FormatChart(GenericChart chart, List<string> requested)
    {
        var data = new Dictionary<string, string>();
        if (requested.Count == 0 || requested.Contains(Html)) data[Html] = PlotlyChartHtml.ForNotebook(chart);
        if ((requested.Count == 0 || requested.Contains(Png)) && chartPngRenderer?.Invoke(chart) is { Length: > 0 } png)
            data[Png] = Convert.ToBase64String(png);
        if (data.Count == 0) data[Html] = PlotlyChartHtml.ForNotebook(chart);
        return new DisplayOutput(data);
    }
}
