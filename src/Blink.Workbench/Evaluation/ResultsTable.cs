using Blink.Workbench.IO;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>One row of a <see cref="ResultsTable"/>: a method on one category (or <see cref="ResultsTable.AllCategory"/>).</summary>
public sealed record ResultsRow
{
    public required string Method { get; init; }
    public required string Category { get; init; }
    public required int N { get; init; }
    public required int Correct { get; init; }
    public double Accuracy => N == 0 ? double.NaN : (double)Correct / N;

    /// <summary>Wilson 95% interval of the accuracy.</summary>
    public required ProportionInterval AccuracyInterval { get; init; }

    /// <summary>Comparison with the baseline on the items both methods answered; null for the baseline itself.</summary>
    public BaselineComparison? VsBaseline { get; init; }

    /// <summary>Cost columns (latency, tokens, FLOPs…), filled on the all-categories row.</summary>
    public IReadOnlyDictionary<string, double> Costs { get; init; } = new Dictionary<string, double>();

    /// <summary>Benchmark-specific metrics (POPE F1, MME score…), filled on the all-categories row.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}

/// <summary>Δ accuracy vs the baseline with paired bootstrap CI and McNemar p-value.</summary>
public sealed record BaselineComparison(string Baseline, int PairedItems, PairedBootstrapResult Bootstrap,
    McNemarResult McNemar)
{
    /// <summary>The exact McNemar p adjusted by Holm over every method compared with the baseline in the same category.</summary>
    public double HolmP { get; init; } = double.NaN;
}

/// <summary>
/// Collects per-item outcomes of several methods on one benchmark and renders the comparison table (per method and
/// category: n, accuracy with Wilson CI, Δ vs baseline with paired-bootstrap CI and exact McNemar p, cost columns) as
/// markdown, CSV and JSON. Files are written atomically.
/// </summary>
public sealed class ResultsTable
{
    /// <summary>Category name of the row that pools all categories.</summary>
    public const string AllCategory = "all";

    private readonly List<(string Method, IReadOnlyList<ItemOutcome> Outcomes, IReadOnlyDictionary<string, double> Costs,
        IReadOnlyDictionary<string, double> Metrics)> _methods = [];

    public ResultsTable(string benchmark, string? baselineMethod, int bootstrapResamples = 10_000, int seed = 0,
        double level = 0.95)
    {
        Benchmark = benchmark;
        BaselineMethod = baselineMethod;
        BootstrapResamples = bootstrapResamples;
        Seed = seed;
        Level = level;
    }

    public string Benchmark { get; }
    public string? BaselineMethod { get; }
    public int BootstrapResamples { get; }
    public int Seed { get; }
    public double Level { get; }

    /// <summary>A caveat printed above the table and stored in the JSON (e.g. that a run is partial); null for none.</summary>
    public string? Note { get; set; }

    /// <summary>Adds a method's outcomes (keys must be unique within the method).</summary>
    public void Add(string method, IReadOnlyList<ItemOutcome> outcomes, IReadOnlyDictionary<string, double>? costs = null,
        IReadOnlyDictionary<string, double>? metrics = null)
    {
        if (_methods.Any(m => m.Method == method))
            throw new ArgumentException($"method '{method}' is already in the table");
        var duplicate = outcomes.GroupBy(o => o.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"method '{method}': item key '{duplicate.Key}' appears {duplicate.Count()} times");
        _methods.Add((method, outcomes, costs ?? new Dictionary<string, double>(), metrics ?? new Dictionary<string, double>()));
        _rows = null;
    }

    // Bootstrapping is the expensive part; the three writers share one computation.
    private IReadOnlyList<ResultsRow>? _rows;

    /// <summary>All rows: per method, the pooled row first, then categories in ordinal order.</summary>
    public IReadOnlyList<ResultsRow> BuildRows() => _rows ??= ComputeRows();

    private IReadOnlyList<ResultsRow> ComputeRows()
    {
        var baseline = BaselineMethod is null ? default : _methods.FirstOrDefault(m => m.Method == BaselineMethod);
        if (BaselineMethod is not null && baseline.Method is null)
            throw new InvalidOperationException(
                $"baseline method '{BaselineMethod}' is not in the table (methods: {string.Join(", ", _methods.Select(m => m.Method))})");

        var rows = new List<ResultsRow>();
        foreach (var m in _methods)
        {
            var categories = m.Outcomes.Select(o => o.Category).Distinct().Order(StringComparer.Ordinal);
            foreach (string category in categories.Prepend(AllCategory))
            {
                var subset = category == AllCategory ? m.Outcomes : m.Outcomes.Where(o => o.Category == category).ToList();
                if (subset.Count == 0)
                    continue;
                int correct = subset.Count(o => o.Correct);
                rows.Add(new ResultsRow
                {
                    Method = m.Method,
                    Category = category,
                    N = subset.Count,
                    Correct = correct,
                    AccuracyInterval = Statistics.Wilson(correct, subset.Count, Level),
                    VsBaseline = baseline.Method is null || baseline.Method == m.Method
                        ? null
                        : Compare(subset, baseline.Outcomes, category),
                    Costs = category == AllCategory ? m.Costs : new Dictionary<string, double>(),
                    Metrics = category == AllCategory ? m.Metrics : new Dictionary<string, double>(),
                });
            }
        }
        // Holm within each category, over the methods compared with the baseline there.
        foreach (var group in rows.Select((r, i) => (r, i)).Where(x => x.r.VsBaseline is not null).GroupBy(x => x.r.Category))
        {
            var members = group.ToArray();
            var adjusted = MultipleComparisons.Holm(members.Select(x => x.r.VsBaseline!.McNemar.ExactPValue).ToArray());
            for (var k = 0; k < members.Length; k++)
                rows[members[k].i] = members[k].r with { VsBaseline = members[k].r.VsBaseline! with { HolmP = adjusted[k] } };
        }
        return rows;
    }

    private BaselineComparison? Compare(IReadOnlyList<ItemOutcome> subset, IReadOnlyList<ItemOutcome> baselineOutcomes,
        string category)
    {
        var baselineByKey = baselineOutcomes
            .Where(o => category == AllCategory || o.Category == category)
            .ToDictionary(o => o.Key, o => o.Correct);
        var a = new List<bool>();
        var b = new List<bool>();
        foreach (ItemOutcome o in subset)
        {
            if (baselineByKey.TryGetValue(o.Key, out bool baselineCorrect))
            {
                a.Add(o.Correct);
                b.Add(baselineCorrect);
            }
        }
        if (a.Count == 0)
            return null;
        return new BaselineComparison(BaselineMethod!, a.Count,
            Statistics.PairedBootstrapAccuracyDifference(a, b, BootstrapResamples, Seed, Level), Statistics.McNemar(a, b));
    }

    /// <summary>The table's header and cells as text, shared by <see cref="ToMarkdown"/> and <see cref="ToHtml"/>.</summary>
    private (List<string> Header, List<List<string>> Rows, string? Footnote) Cells()
    {
        IReadOnlyList<ResultsRow> rows = BuildRows();
        List<string> costKeys = rows.SelectMany(r => r.Costs.Keys).Distinct().ToList();
        List<string> metricKeys = rows.SelectMany(r => r.Metrics.Keys).Distinct().ToList();
        string pct = ((int)Math.Round(Level * 100)).ToString(CultureInfo.InvariantCulture);
        var header = new List<string> { "Method", "Category", "n", $"Acc % [{pct}% CI]" };
        if (BaselineMethod is not null)
            header.AddRange([$"Δ vs {BaselineMethod} (pp) [{pct}% CI]", "McNemar p", "Holm p"]);
        header.AddRange(metricKeys);
        header.AddRange(costKeys);
        var body = new List<List<string>>();
        foreach (ResultsRow r in rows)
        {
            var cells = new List<string>
            {
                r.Method, r.Category, r.N.ToString(CultureInfo.InvariantCulture),
                $"{F(r.Accuracy * 100, 2)} [{F(r.AccuracyInterval.Lower * 100, 1)}, {F(r.AccuracyInterval.Upper * 100, 1)}]",
            };
            if (BaselineMethod is not null)
            {
                cells.Add(r.VsBaseline is { } c
                    ? $"{Signed(c.Bootstrap.Difference * 100)} [{Signed(c.Bootstrap.Lower * 100)}, {Signed(c.Bootstrap.Upper * 100)}]"
                    : "—");
                cells.Add(r.VsBaseline is { } c2 ? P(c2.McNemar.ExactPValue) : "—");
                cells.Add(r.VsBaseline is { } c3 ? P(c3.HolmP) : "—");
            }
            cells.AddRange(metricKeys.Select(k => r.Metrics.TryGetValue(k, out double v) ? F(v, 3) : ""));
            cells.AddRange(costKeys.Select(k => r.Costs.TryGetValue(k, out double v) ? F(v, 3) : ""));
            body.Add(cells);
        }
        string? footnote = BaselineMethod is null ? null
            : $"Δ: paired bootstrap ({BootstrapResamples} resamples, seed {Seed}, percentile CI) " +
              $"on items both methods answered; McNemar: exact two-sided binomial test on discordant pairs; " +
              "Holm p: the McNemar p adjusted by Holm's step-down over every method compared with the baseline in the same category.";
        return (header, body, footnote);
    }

    public string ToMarkdown()
    {
        var (header, rows, footnote) = Cells();
        var sb = new StringBuilder();
        sb.Append("### ").Append(Benchmark).Append('\n').Append('\n');
        if (Note is not null) sb.Append("> ").Append(Note).Append('\n').Append('\n');
        sb.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
        sb.Append('|').Append(string.Concat(header.Select((_, i) => i < 2 ? "---|" : "---:|"))).Append('\n');
        foreach (var cells in rows)
            sb.Append("| ").Append(string.Join(" | ", cells.Select((c, i) => i < 2 ? Escape(c) : c))).Append(" |\n");
        if (footnote is not null) sb.Append('\n').Append(footnote).Append('\n');
        return sb.ToString();
    }

    /// <summary>The table as an HTML fragment (caption, table, footnote): what a notebook shows for it.</summary>
    public string ToHtml()
    {
        static string H(string s) => System.Net.WebUtility.HtmlEncode(s);
        var (header, rows, footnote) = Cells();
        var sb = new StringBuilder();
        sb.Append("<div class=\"blink-results\"><table><caption style=\"text-align:left;font-weight:bold\">").Append(H(Benchmark)).Append("</caption>\n<thead><tr>");
        foreach (var h in header) sb.Append("<th>").Append(H(h)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var cells in rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < cells.Count; i++)
                sb.Append(i < 2 ? "<td style=\"text-align:left\">" : "<td style=\"text-align:right\">").Append(H(cells[i])).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table>");
        if (Note is not null) sb.Append("<p><i>").Append(H(Note)).Append("</i></p>");
        if (footnote is not null) sb.Append("<p><small>").Append(H(footnote)).Append("</small></p>");
        sb.Append("</div>");
        return sb.ToString();
    }

    public string ToCsv()
    {
        IReadOnlyList<ResultsRow> rows = BuildRows();
        List<string> costKeys = rows.SelectMany(r => r.Costs.Keys).Distinct().ToList();
        List<string> metricKeys = rows.SelectMany(r => r.Metrics.Keys).Distinct().ToList();
        var header = new List<string>
        {
            "benchmark", "method", "category", "n", "correct", "accuracy", "accuracy_lower", "accuracy_upper",
            "baseline", "paired_n", "delta", "delta_lower", "delta_upper", "mcnemar_exact_p", "mcnemar_chi2_p", "mcnemar_holm_p",
        };
        header.AddRange(metricKeys.Select(k => "metric_" + k));
        header.AddRange(costKeys.Select(k => "cost_" + k));
        var sb = new StringBuilder();
        sb.Append(string.Join(',', header.Select(Csv))).Append('\n');
        foreach (ResultsRow r in rows)
        {
            BaselineComparison? c = r.VsBaseline;
            var cells = new List<string>
            {
                Benchmark, r.Method, r.Category, I(r.N), I(r.Correct), R(r.Accuracy), R(r.AccuracyInterval.Lower),
                R(r.AccuracyInterval.Upper), c?.Baseline ?? "", c is null ? "" : I(c.PairedItems),
                c is null ? "" : R(c.Bootstrap.Difference), c is null ? "" : R(c.Bootstrap.Lower),
                c is null ? "" : R(c.Bootstrap.Upper), c is null ? "" : R(c.McNemar.ExactPValue),
                c is null ? "" : R(c.McNemar.ChiSquaredPValue), c is null ? "" : R(c.HolmP),
            };
            cells.AddRange(metricKeys.Select(k => r.Metrics.TryGetValue(k, out double v) ? R(v) : ""));
            cells.AddRange(costKeys.Select(k => r.Costs.TryGetValue(k, out double v) ? R(v) : ""));
            sb.Append(string.Join(',', cells.Select(Csv))).Append('\n');
        }
        return sb.ToString();
    }

    public string ToJson()
    {
        var rows = new JsonArray();
        foreach (ResultsRow r in BuildRows())
        {
            var row = new JsonObject
            {
                ["method"] = r.Method,
                ["category"] = r.Category,
                ["n"] = r.N,
                ["correct"] = r.Correct,
                ["accuracy"] = J(r.Accuracy),
                ["accuracy_ci"] = new JsonArray(J(r.AccuracyInterval.Lower), J(r.AccuracyInterval.Upper)),
            };
            if (r.VsBaseline is { } c)
            {
                row["vs_baseline"] = new JsonObject
                {
                    ["baseline"] = c.Baseline,
                    ["paired_n"] = c.PairedItems,
                    ["delta"] = J(c.Bootstrap.Difference),
                    ["delta_ci"] = new JsonArray(J(c.Bootstrap.Lower), J(c.Bootstrap.Upper)),
                    ["mcnemar"] = new JsonObject
                    {
                        ["a_only_correct"] = c.McNemar.AOnlyCorrect,
                        ["b_only_correct"] = c.McNemar.BOnlyCorrect,
                        ["exact_p"] = J(c.McNemar.ExactPValue),
                        ["chi2"] = J(c.McNemar.ChiSquared),
                        ["chi2_p"] = J(c.McNemar.ChiSquaredPValue),
                        ["holm_p"] = J(c.HolmP),
                    },
                };
            }
            if (r.Metrics.Count > 0)
                row["metrics"] = new JsonObject(r.Metrics.Select(kv => KeyValuePair.Create(kv.Key, J(kv.Value))));
            if (r.Costs.Count > 0)
                row["costs"] = new JsonObject(r.Costs.Select(kv => KeyValuePair.Create(kv.Key, J(kv.Value))));
            rows.Add(row);
        }
        var doc = new JsonObject
        {
            ["benchmark"] = Benchmark,
            ["baseline"] = BaselineMethod,
            ["level"] = Level,
            ["bootstrap_resamples"] = BootstrapResamples,
            ["seed"] = Seed,
            ["rows"] = rows,
        };
        if (Note is not null) doc["note"] = Note;
        return doc.ToJsonString(JsonLines.IndentedOptions);
    }

    public void WriteMarkdown(string path) => AtomicFile.WriteAllText(path, ToMarkdown());
    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());
    public void WriteJson(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Writes <c>stem.md</c>, <c>stem.csv</c> and <c>stem.json</c> into <paramref name="directory"/>.</summary>
    public void WriteAll(string directory, string stem)
    {
        WriteMarkdown(Path.Combine(directory, stem + ".md"));
        WriteCsv(Path.Combine(directory, stem + ".csv"));
        WriteJson(Path.Combine(directory, stem + ".json"));
    }

    private static string F(double v, int digits) =>
        double.IsNaN(v) ? "NaN" : v.ToString("F" + digits, CultureInfo.InvariantCulture);

    private static string Signed(double v) => (v >= 0 ? "+" : "") + F(v, 2);

    private static string P(double p) =>
        p < 1e-4 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static JsonNode? J(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string Escape(string s) => s.Replace("|", "\\|");

    private static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
