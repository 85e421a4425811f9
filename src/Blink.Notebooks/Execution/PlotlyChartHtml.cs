using Blink.Notebooks.Html;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace Blink.Notebooks.Execution;

/// <summary>
/// The text/html a GenericChart gets in the real kernel once Plotly.NET.Interactive is loaded: the chart fragment
/// (GenericChart.toChartHTML) with the plotly.js reference set to RequireJS + the CDN, which is what VS Code renders.
/// Unlike Plotly.NET.Interactive it works on a copy, because Plotly.NET 6 "with..." functions mutate the chart and a
/// later chart.SaveHtml(...) in the notebook would otherwise write a page that needs RequireJS.
/// The offline HTML page supplies plotly.js and a tiny require shim, so the same fragment renders without network.
/// </summary>
internal static class PlotlyChartHtml
{
    public static string RequireUrl => $"https://cdn.plot.ly/plotly-{PlotlyJsBundle.Version}.min";

    public static string ForNotebook(GenericChart chart)
    {
        var original = GenericChart.getDisplayOptions(chart);
        var options = new DisplayOptions();
        original.ShallowCopyDynamicPropertiesTo(options, FSharpOption<bool>.None);
        options = DisplayOptions.setPlotlyReference(PlotlyJSReference.NewRequire(RequireUrl)).Invoke(options);
        var copy = chart switch
        {
            { IsChart: true } => GenericChart.NewChart(GenericChart.getTraces(chart).Head, GenericChart.getLayout(chart), GenericChart.getConfig(chart), options),
            { IsMultiChart: true } => GenericChart.NewMultiChart(GenericChart.getTraces(chart), GenericChart.getLayout(chart), GenericChart.getConfig(chart), options),
            _ => throw new NotSupportedException($"Unknown GenericChart case {chart.GetType().Name}."),
        };
        return GenericChart.toChartHTML(copy);
    }
}
