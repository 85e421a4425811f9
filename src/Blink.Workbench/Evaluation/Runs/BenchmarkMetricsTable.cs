using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.IO;

namespace Blink.Workbench.Evaluation.Runs;

/// <summary>
/// Each method's headline numbers as the benchmark's official script reports them (MME perception/cognition scores,
/// POPE F1 and accuracy, MMBench circular accuracy, …) — the numbers a paper's table holds. <see cref="ResultsTable"/>
/// has the per-item accuracy with intervals and paired tests; this table is what is compared with the paper.
/// </summary>
public sealed class BenchmarkMetricsTable(string benchmark)
{
    private readonly List<(string Method, BenchmarkScore Score)> _rows = [];

    public string Benchmark { get; } = benchmark;

    public IReadOnlyList<(string Method, BenchmarkScore Score)> Rows => _rows;

    public void Add(string method, BenchmarkScore score) => _rows.Add((method, score));

    /// <summary>Metric names in first-seen order over all methods.</summary>
    public IReadOnlyList<string> Columns => _rows.SelectMany(r => r.Score.Overall.Keys).Distinct().ToList();

    public string ToMarkdown()
    {
        var columns = Columns;
        var sb = new StringBuilder();
        sb.Append("# ").Append(Benchmark).Append(": official metrics\n\n");
        sb.Append("| method | ").Append(string.Join(" | ", columns)).Append(" | answered | missing |\n");
        sb.Append("|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append("---:|---:|\n");
        foreach (var (method, score) in _rows)
        {
            sb.Append("| ").Append(method).Append(" | ");
            sb.Append(string.Join(" | ", columns.Select(c => score.Overall.TryGetValue(c, out var v) ? Format(c, v) : "")));
            sb.Append(" | ").Append(score.Answered).Append(" | ").Append(score.Missing).Append(" |\n");
        }
        var notes = _rows.SelectMany(r => r.Score.Notes).Distinct().ToList();
        if (notes.Count > 0)
        {
            sb.Append('\n');
            foreach (var note in notes) sb.Append("- ").Append(note).Append('\n');
        }
        return sb.ToString();
    }

    public string ToJson()
    {
        var methods = new JsonObject();
        foreach (var (method, score) in _rows)
        {
            var overall = new JsonObject();
            foreach (var (key, value) in score.Overall) overall[key] = double.IsFinite(value) ? value : null;
            var perCategory = new JsonObject();
            foreach (var (category, metrics) in score.PerCategory)
            {
                var m = new JsonObject();
                foreach (var (key, value) in metrics) m[key] = double.IsFinite(value) ? value : null;
                perCategory[category] = m;
            }
            methods[method] = new JsonObject
            {
                ["overall"] = overall, ["per_category"] = perCategory,
                ["answered"] = score.Answered, ["missing"] = score.Missing, ["unmatched"] = score.Unmatched,
                ["notes"] = new JsonArray(score.Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            };
        }
        return new JsonObject { ["benchmark"] = Benchmark, ["methods"] = methods }.ToJsonString(JsonLines.IndentedOptions);
    }

    /// <summary>Writes <c>stem.md</c> and <c>stem.json</c> into <paramref name="directory"/>.</summary>
    public void WriteAll(string directory, string stem)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, stem + ".md"), ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(directory, stem + ".json"), ToJson());
    }

    private static readonly HashSet<string> CountNames =
        ["n", "questions", "images", "answered", "missing", "unmatched", "failed", "other", "unparsed_answers", "tp", "fp", "tn", "fn"];

    /// <summary>Counts as integers, fractions (accuracy, F1, …) with 4 digits, scores above 1 (MME) with 2.</summary>
    public static string Format(string name, double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (CountNames.Contains(name)) return value.ToString("F0", CultureInfo.InvariantCulture);
        return Math.Abs(value) <= 1 ? value.ToString("F4", CultureInfo.InvariantCulture) : value.ToString("F2", CultureInfo.InvariantCulture);
    }
}
