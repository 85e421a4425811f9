using Blink.Workbench.Plots;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Reporting;

/// <summary>
/// The parts of the study report that give the answer first: the headline sentences, the forest plot of Δ against the
/// baseline for every method (pooled and per category) and the compact method × category matrix.
/// </summary>
public static class StudyReportSummary
{
    /// <summary>Element id of the forest plot (the tests look for it on the first screen).</summary>
    public const string ForestPlotId = "forest-plot";

    /// <summary>
    /// A reference method reads what no real method can (the zoom oracle reads the evidence box). It is drawn in the
    /// forest plot but does not set its scale, and the headline reports it as the headroom, not as a competitor.
    /// </summary>
    public static bool IsReference(string method) => method.Contains("oracle", StringComparison.OrdinalIgnoreCase);

    /// <summary>The table the summary is about: the one with a baseline and the most methods (the first on a tie).</summary>
    public static ResultsSummary? Main(IReadOnlyList<ResultsSummary>? results) => (results ?? [])
        .Where(r => r.Baseline is not null && r.Pooled.Any())
        .OrderBy(r => r.Title?.EndsWith("/" + StudyRunFolder.DecompositionFolder, StringComparison.Ordinal) == true || r.Title == "Results: " + StudyRunFolder.DecompositionFolder ? 1 : 0)
        .ThenByDescending(r => r.Methods.Count).FirstOrDefault();

    /// <summary>
    /// ±2 when the paired bootstrap interval of Δ excludes zero (significant), ±1 for the sign of Δ otherwise, 0 for no
    /// difference. Differences below 1e-9 (rounding in the accuracy fractions) count as zero.
    /// </summary>
    public static int Sign(ResultsSummaryRow row) =>
        row.DeltaLower is > Epsilon ? 2 : row.DeltaUpper is < -Epsilon ? -2 : row.Delta is > Epsilon ? 1 : row.Delta is < -Epsilon ? -1 : 0;

    private const double Epsilon = 1e-9;

    /// <summary>The headline sentences about the pooled results, one claim each.</summary>
    public static IReadOnlyList<string> Headline(ResultsSummary results)
    {
        var lines = new List<string>();
        var baseline = results.Row(results.Baseline!, ResultsTable.AllCategory);
        if (baseline is null) return lines;
        lines.Add($"{results.Baseline} answers {Pct(baseline.Accuracy)}% [{Pct(baseline.Lower)}, {Pct(baseline.Upper)}] of the {baseline.N} {results.Benchmark} questions " +
                  "(95% Wilson interval).");
        var methods = results.Pooled.Where(r => r.Method != results.Baseline && r.Delta is not null).ToList();
        var real = methods.Where(r => !IsReference(r.Method)).ToList();
        if (real.Count > 0)
        {
            var above = real.Where(r => Sign(r) == 2).OrderByDescending(r => r.Delta).ToList();
            var below = real.Where(r => Sign(r) == -2).OrderBy(r => r.Delta).ToList();
            var best = real.OrderByDescending(r => r.Delta).ThenBy(r => r.Method, StringComparer.Ordinal).First();
            if (above.Count == 0 && below.Count == 0)
                lines.Add($"None of the {real.Count} methods differs significantly from {results.Baseline} on all {baseline.N} questions (every 95% interval of Δ includes 0); " +
                          $"the highest is {best.Method} at {Delta(best)}.");
            else
            {
                var parts = new List<string>();
                if (above.Count > 0) parts.Add($"{Count(above.Count)} significantly above {results.Baseline} (best {above[0].Method}, {Delta(above[0])})");
                if (below.Count > 0) parts.Add($"{Count(below.Count)} significantly below it (lowest {below[0].Method}, {Delta(below[0])})");
                lines.Add($"Of the {real.Count} methods, {string.Join(" and ", parts)}; the rest are within noise of {results.Baseline}.");
            }
        }
        var realNames = real.Select(r => r.Method).ToHashSet(StringComparer.Ordinal);
        var cells = results.Rows.Where(r => realNames.Contains(r.Method) && r.Category != ResultsTable.AllCategory && r.Delta is not null).ToList();
        if (cells.Count > 0)
        {
            var significant = cells.Where(r => Sign(r) is 2 or -2).OrderByDescending(r => Math.Abs(r.Delta!.Value)).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
            lines.Add(significant.Count == 0
                ? $"Per category, none of the {cells.Count} method × category cells differs significantly from {results.Baseline} either."
                : $"Per category, {significant.Count} of {cells.Count} method × category cells differ significantly from {results.Baseline}: " +
                  string.Join("; ", significant.Take(3).Select(r => $"{r.Method} on {r.Category} {Pp(r.Delta)} [{Pp(r.DeltaLower)}, {Pp(r.DeltaUpper)}]")) +
                  (significant.Count > 3 ? "; …" : "") + " (uncorrected for the number of cells).");
        }
        foreach (var reference in methods.Where(r => IsReference(r.Method)))
            lines.Add($"{reference.Method}, which reads the evidence region no real method is given, reaches {Pct(reference.Accuracy)}% ({Delta(reference)}): " +
                      "the headroom a method could recover.");
        return lines;
    }

    private static string Count(int n) => n == 1 ? "one is" : $"{n} are";

    /// <summary>"Δ −1.8 pp [−4.2, +0.3], McNemar p 0.13".</summary>
    public static string Delta(ResultsSummaryRow r) =>
        $"Δ {Pp(r.Delta)} pp [{Pp(r.DeltaLower)}, {Pp(r.DeltaUpper)}]" + (r.McNemarP is { } p ? $", McNemar p {P(p)}" : "");

    /// <summary>
    /// Plotly JSON of the forest plot: one row per method (the baseline left out), Δ in points with its paired
    /// bootstrap interval, the pooled result as a large black marker and each category as a small coloured one beside
    /// it; filled markers are significant, open ones are not. Reference methods that lie far outside the others' range
    /// are written at the right edge instead of stretching the scale.
    /// </summary>
    public static (string Json, int Height) ForestPlot(ResultsSummary results)
    {
        var methods = results.Methods.Where(m => m != results.Baseline).ToList();
        var groups = new List<string> { ResultsTable.AllCategory };
        groups.AddRange(results.Categories);
        string[] colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

        var rows = results.Rows.Where(r => r.Method != results.Baseline && r.Delta is not null && r.DeltaLower is not null && r.DeltaUpper is not null).ToList();
        var scaleRows = rows.Where(r => !IsReference(r.Method)).ToList();
        if (scaleRows.Count == 0) scaleRows = rows;
        double lo = Math.Min(0, scaleRows.Select(r => r.DeltaLower!.Value * 100).DefaultIfEmpty(-1).Min());
        double hi = Math.Max(0, scaleRows.Select(r => r.DeltaUpper!.Value * 100).DefaultIfEmpty(1).Max());
        double pad = Math.Max(0.5, (hi - lo) * 0.08);
        lo -= pad;
        hi += pad;

        var data = new JsonArray();
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            bool pooled = group == ResultsTable.AllCategory;
            double offset = groups.Count == 1 ? 0 : -0.3 + 0.6 * g / (groups.Count - 1);
            var x = new JsonArray(); var y = new JsonArray(); var up = new JsonArray(); var down = new JsonArray();
            var symbols = new JsonArray(); var text = new JsonArray();
            foreach (var (m, i) in methods.Select((m, i) => (m, i)))
            {
                if (results.Row(m, group) is not { Delta: { } d, DeltaLower: { } l, DeltaUpper: { } u } row) continue;
                x.Add(Round(d * 100)); y.Add(Round(i + offset)); up.Add(Round((u - d) * 100)); down.Add(Round((d - l) * 100));
                symbols.Add(Sign(row) is 2 or -2 ? (pooled ? "diamond" : "circle") : (pooled ? "diamond-open" : "circle-open"));
                text.Add($"{m} · {group} (n = {row.N}): {Delta(row)}");
            }
            var color = pooled ? "#111111" : colors[(g - 1) % colors.Length];
            data.Add(new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "markers", ["name"] = pooled ? "all (pooled)" : group,
                ["x"] = x, ["y"] = y, ["text"] = text, ["hovertemplate"] = "%{text}<extra></extra>",
                ["marker"] = new JsonObject { ["symbol"] = symbols, ["size"] = pooled ? 11 : 7, ["color"] = color, ["line"] = new JsonObject { ["width"] = 1.5, ["color"] = color } },
                ["error_x"] = new JsonObject
                {
                    ["type"] = "data", ["symmetric"] = false, ["array"] = up, ["arrayminus"] = down, ["color"] = color,
                    ["thickness"] = pooled ? 2 : 1.2, ["width"] = pooled ? 4 : 2,
                },
            });
        }

        var annotations = new JsonArray();
        foreach (var (m, i) in methods.Select((m, i) => (m, i)))
        {
            if (results.Row(m, ResultsTable.AllCategory) is not { Delta: { } d } row) continue;
            var catRows = results.Categories.Select(c => results.Row(m, c)).OfType<ResultsSummaryRow>().Where(r => r.Delta is not null).ToList();
            var values = catRows.Select(r => r.Delta!.Value * 100).Append(d * 100).ToList();
            bool right = row.DeltaUpper * 100 > hi || values.Any(v => v > hi), left = row.DeltaLower * 100 < lo || values.Any(v => v < lo);
            if (!right && !left) continue;
            var range = catRows.Count > 0 ? $"; categories {Pp(catRows.Min(r => r.Delta))} to {Pp(catRows.Max(r => r.Delta))}" : "";
            var label = $"off scale: all {Pp(d)} pp [{Pp(row.DeltaLower)}, {Pp(row.DeltaUpper)}]{range}";
            annotations.Add(new JsonObject
            {
                ["xref"] = "paper", ["x"] = right ? 1 : 0, ["xanchor"] = right ? "right" : "left", ["y"] = i, ["yref"] = "y",
                ["text"] = right ? label + " ▶" : "◀ " + label,
                ["showarrow"] = false, ["font"] = new JsonObject { ["size"] = 12, ["color"] = "#333" },
                ["bgcolor"] = "rgba(255,255,255,0.85)",
            });
        }

        int height = 96 + 36 * Math.Max(1, methods.Count);
        var layout = new JsonObject
        {
            ["height"] = height, ["autosize"] = true,
            ["margin"] = new JsonObject { ["l"] = 10, ["r"] = 20, ["t"] = 34, ["b"] = 48 },
            ["font"] = new JsonObject { ["family"] = "DejaVu Sans, Verdana, Arial, sans-serif", ["size"] = 13 },
            ["xaxis"] = new JsonObject
            {
                ["range"] = new JsonArray(Round(lo), Round(hi)), ["zeroline"] = true, ["zerolinewidth"] = 2, ["zerolinecolor"] = "#555",
                ["title"] = new JsonObject { ["text"] = $"Δ accuracy vs {results.Baseline} (percentage points)", ["standoff"] = 4 }, ["gridcolor"] = "#e6e6e6",
            },
            ["yaxis"] = new JsonObject
            {
                ["tickmode"] = "array", ["tickvals"] = new JsonArray(methods.Select((_, i) => (JsonNode)i).ToArray()),
                ["ticktext"] = new JsonArray(methods.Select(m => (JsonNode)m).ToArray()), ["automargin"] = true, ["autorange"] = false,
                ["range"] = new JsonArray(methods.Count - 0.5, -0.5), ["showgrid"] = false, ["zeroline"] = false,
            },
            ["legend"] = new JsonObject { ["orientation"] = "h", ["x"] = 0, ["y"] = 1.0, ["yanchor"] = "bottom" },
            ["annotations"] = annotations,
            ["plot_bgcolor"] = "#ffffff", ["paper_bgcolor"] = "rgba(0,0,0,0)",
        };
        return (new JsonObject { ["data"] = data, ["layout"] = layout }.ToJsonString(), height);
    }

    /// <summary>
    /// Methods as rows, categories (and "all") as columns; the baseline row gives its accuracy, every other cell Δ vs the
    /// baseline with its interval, shaded green or red by sign, darker when the interval excludes 0.
    /// </summary>
    public static string Matrix(ResultsSummary results)
    {
        var groups = new List<string> { ResultsTable.AllCategory };
        groups.AddRange(results.Categories);
        var sb = new StringBuilder("<div class=\"table-wrap\"><table class=\"matrix\"><caption>");
        sb.Append(HtmlText.Encode($"Δ accuracy vs {results.Baseline} in percentage points [95% paired bootstrap interval]; the {results.Baseline} row gives its accuracy (%). " +
                                    "Green above, red below; dark when the interval excludes 0. n per cell in the tooltip and the full table."));
        sb.Append("</caption><thead><tr><th>method</th><th>accuracy % (all)</th>");
        foreach (var g in groups) sb.Append("<th>").Append(HtmlText.Encode(g)).Append("</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (var m in results.Methods)
        {
            var pooled = results.Row(m, ResultsTable.AllCategory);
            sb.Append("<tr><th>").Append(HtmlText.Encode(m)).Append("</th><td class=\"base\">")
              .Append(pooled is null ? "—" : HtmlText.Encode($"{Pct(pooled.Accuracy)} [{Pct(pooled.Lower)}, {Pct(pooled.Upper)}]")).Append("</td>");
            foreach (var g in groups)
            {
                var row = results.Row(m, g);
                if (row is null) { sb.Append("<td>—</td>"); continue; }
                var tip = HtmlText.Encode($"{m} · {g}: {Pct(row.Accuracy)}% of {row.N}" + (row.Delta is null ? "" : "; " + Delta(row)));
                if (m == results.Baseline || row.Delta is null)
                {
                    sb.Append("<td class=\"base\" title=\"").Append(tip).Append("\">").Append(Pct(row.Accuracy)).Append("%</td>");
                    continue;
                }
                var cls = Sign(row) switch { 2 => "sig-pos", 1 => "pos", -1 => "neg", -2 => "sig-neg", _ => "zero" };
                sb.Append("<td class=\"").Append(cls).Append("\" title=\"").Append(tip).Append("\">").Append(HtmlText.Encode(Pp(row.Delta)))
                  .Append("<span class=\"ci\">").Append(HtmlText.Encode($"[{Pp(row.DeltaLower)}, {Pp(row.DeltaUpper)}]")).Append("</span></td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table></div>");
        return sb.ToString();
    }

    private static double Round(double v) => Math.Round(v, 4);

    internal static string Pct(double? v) => v is { } d && double.IsFinite(d) ? (d * 100).ToString("F1", CultureInfo.InvariantCulture) : "—";

    /// <summary>Percentage points with sign and a true minus sign: "+1.7", "−2.5".</summary>
    internal static string Pp(double? v)
    {
        if (v is not { } d || !double.IsFinite(d)) return "—";
        var s = Math.Abs(d * 100).ToString("F1", CultureInfo.InvariantCulture);
        return (Math.Round(d * 100, 1) < 0 ? "−" : "+") + s;
    }

    internal static string P(double p) => p < 1e-4 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : p.ToString(p < 0.01 ? "0.000" : "0.00", CultureInfo.InvariantCulture);
}
