using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Reporting;

/// <summary>One row of a results table as plain data (accuracies as fractions; null where not defined).</summary>
public sealed record ResultsSummaryRow(
    string Method, string Category, int N, int Correct, double Accuracy, double? Lower, double? Upper,
    double? Delta, double? DeltaLower, double? DeltaUpper, double? McNemarP,
    IReadOnlyDictionary<string, double> Costs, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// A <see cref="ResultsTable"/> as plain data, so a report can be built from a live table or rebuilt from the
/// <c>results.json</c> that <see cref="ResultsTable.WriteAll"/> wrote.
/// </summary>
public sealed record ResultsSummary(string Benchmark, string? Baseline, IReadOnlyList<ResultsSummaryRow> Rows, string? Title = null)
{
    /// <summary>
    /// The files the table was read from, relative to the report (e.g. <c>eval/results.json</c>, <c>eval/results.csv</c>);
    /// the report links every figure drawn from the table to them. Empty for a table built in memory.
    /// </summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Methods in table order.</summary>
    public IReadOnlyList<string> Methods => Rows.Select(r => r.Method).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Categories in table order, without the pooled <see cref="ResultsTable.AllCategory"/>.</summary>
    public IReadOnlyList<string> Categories => Rows.Select(r => r.Category).Where(c => c != ResultsTable.AllCategory).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The row of one method and category, or null.</summary>
    public ResultsSummaryRow? Row(string method, string category) => Rows.FirstOrDefault(r => r.Method == method && r.Category == category);

    public static ResultsSummary FromTable(ResultsTable table, string? title = null) => new(table.Benchmark, table.BaselineMethod,
        table.BuildRows().Select(r => new ResultsSummaryRow(r.Method, r.Category, r.N, r.Correct, r.Accuracy,
            r.AccuracyInterval.Lower, r.AccuracyInterval.Upper, r.VsBaseline?.Bootstrap.Difference, r.VsBaseline?.Bootstrap.Lower,
            r.VsBaseline?.Bootstrap.Upper, r.VsBaseline?.McNemar.ExactPValue, r.Costs, r.Metrics)).ToArray(), title);

    /// <summary>Parses the JSON of <see cref="ResultsTable.ToJson"/>.</summary>
    public static ResultsSummary FromJson(string json, string origin, string? title = null)
    {
        try
        {
            var doc = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException($"{origin}: expected a JSON object.");
            var rows = (doc["rows"] as JsonArray ?? throw new InvalidDataException($"{origin}: no \"rows\" array (not a results table)."))
                .Select(n => n!.AsObject()).Select(r =>
                {
                    var ci = r["accuracy_ci"] as JsonArray;
                    var vs = r["vs_baseline"] as JsonObject;
                    var dci = vs?["delta_ci"] as JsonArray;
                    return new ResultsSummaryRow(
                        r["method"]!.GetValue<string>(), r["category"]!.GetValue<string>(), r["n"]!.GetValue<int>(), r["correct"]!.GetValue<int>(),
                        D(r["accuracy"]) ?? double.NaN, D(ci?[0]), D(ci?[1]), D(vs?["delta"]), D(dci?[0]), D(dci?[1]), D(vs?["mcnemar"]?["exact_p"]),
                        Dict(r["costs"]), Dict(r["metrics"]));
                }).ToArray();
            return new ResultsSummary(doc["benchmark"]?.GetValue<string>() ?? "results", doc["baseline"]?.GetValue<string>(), rows, title);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"{origin}: not a results table ({e.Message}).", e);
        }
    }

    public static ResultsSummary Load(string path, string? title = null) => FromJson(File.ReadAllText(path), path, title);

    /// <summary>The pooled row of each method, in table order.</summary>
    public IEnumerable<ResultsSummaryRow> Pooled => Rows.Where(r => r.Category == ResultsTable.AllCategory);

    private static double? D(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static IReadOnlyDictionary<string, double> Dict(JsonNode? n) => n is JsonObject o
        ? o.Where(kv => D(kv.Value) is not null).ToDictionary(kv => kv.Key, kv => D(kv.Value)!.Value)
        : new Dictionary<string, double>();
}
