using System.Runtime.InteropServices;

namespace Blink.Workbench.Reporting;

/// <summary>Facts about the machine and libraries for a report's environment block.</summary>
public static class ReportEnvironment
{
    /// <summary>OS, runtime, CPU count, chart library versions; add run-specific entries (seed, command line) yourself.</summary>
    public static List<KeyValuePair<string, string>> Capture() =>
    [
        new("OS", RuntimeInformation.OSDescription),
        new("Architecture", RuntimeInformation.ProcessArchitecture.ToString()),
        new(".NET", RuntimeInformation.FrameworkDescription),
        new("Logical processors", System.Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("plotly.js (inlined)", Plots.OfflinePlotlyPage.PlotlyJsVersion),
        new("SkiaSharp", typeof(SkiaSharp.SKBitmap).Assembly.GetName().Version?.ToString() ?? "?"),
        new("PNG font", Plots.ChartFonts.Regular.FamilyName + (Plots.ChartFonts.IsDeterministic ? "" : " (system fallback)")),
    ];
}
