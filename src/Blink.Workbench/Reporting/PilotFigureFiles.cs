using Blink.Workbench.Analysis;
using Blink.Workbench.IO;
using Blink.Workbench.Plots;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Reporting;

/// <summary>
/// Writes a run's figures to a folder: one PNG per figure and a single <c>figures.html</c> holding every interactive
/// figure (plotly.js inlined once, rather than 3.6 MB per file).
/// </summary>
public static class PilotFigureFiles
{
    public const string InteractivePage = "figures.html";

    /// <summary>Writes the figures of whatever is given; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string folder, LayerAttentionResult? pilot, IReadOnlyList<ResultsSummary>? results = null,
        IReadOnlyList<TraceSample>? traces = null, int heatmapSamples = 3, int? headLayer = null)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var interactive = new List<Figure>();
        void Save(Figure figure, string name)
        {
            var path = Path.Combine(folder, name + ".png");
            figure.SavePng(path);
            written.Add(path);
            interactive.Add(figure);
        }
        void SaveBitmap(SkiaSharp.SKBitmap bitmap, string name)
        {
            var path = Path.Combine(folder, name + ".png");
            PngEncoding.Save(bitmap, path);
            written.Add(path);
        }

        if (pilot is not null)
        {
            Save(PilotFigures.MetricCurves(pilot), "pilot-metrics-by-layer");
            if (pilot.PerCategory.Count > 1) Save(PilotFigures.CategoryCurves(pilot), "pilot-by-category");
            Save(PilotFigures.RhoHistograms(pilot), "pilot-rho-histograms");
            foreach (var s in pilot.Samples.Take(heatmapSamples))
            {
                using (var png = PilotFigures.LayerHeatmapsImage(s)) SaveBitmap(png, $"heatmaps-{Safe(s.Id)}");
                interactive.Add(PilotFigures.LayerHeatmaps(s));
                var layer = headLayer ?? s.Layers.FirstOrDefault(l => l.Heads is not null)?.Layer;
                if (layer is { } hl && PilotFigures.HeadGridImage(s, hl) is { } heads)
                    using (heads) SaveBitmap(heads, $"heads-L{hl}-{Safe(s.Id)}");
            }
        }
        foreach (var (r, i) in (results ?? []).Select((r, i) => (r, i)))
        {
            var stem = Safe(r.Title ?? r.Benchmark) + (i == 0 ? "" : $"-{i}");
            Save(PilotFigures.AccuracyCost(r), $"{stem}-accuracy-cost");
            Save(PilotFigures.CategoryBars(r), $"{stem}-categories");
        }
        foreach (var t in traces ?? [])
        {
            using var image = t.ImagePng is null ? null : PngEncoding.Decode(t.ImagePng);
            Save(PilotFigures.Trace(t.Trace, image), "trace-" + Safe(t.Trace.Title ?? "sample"));
        }
        if (interactive.Count > 0)
        {
            var page = Path.Combine(folder, InteractivePage);
            AtomicFile.WriteAllText(page, OfflinePlotlyPage.Document("Blink Workbench figures", interactive));
            written.Add(page);
        }
        return written;
    }

    private static string Safe(string name)
    {
        var chars = name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '@' ? c : '-').ToArray();
        var s = System.Text.RegularExpressions.Regex.Replace(new string(chars), "-{2,}", "-").Trim('-');
        return s.Length == 0 ? "figure" : s.Length > 60 ? s[..60] : s;
    }
}
