using System.Globalization;
using Blink.Workbench.Evaluation;
using Spectre.Console;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Cli.Commands;

/// <summary>Prints a scored run: the official metrics (what the paper's table holds), then accuracy vs the baseline.</summary>
internal static class EvalResultsPrinter
{
    public static void Print(EvaluationReport report, string outDir)
    {
        var metrics = report.Metrics;
        var columns = metrics.Columns;
        var official = new Table().Title($"{metrics.Benchmark}: official metrics").AddColumn("method");
        foreach (var c in columns) official.AddColumn(new TableColumn(c).RightAligned());
        official.AddColumn(new TableColumn("missing").RightAligned());
        foreach (var (method, score) in metrics.Rows)
            official.AddRow([Markup.Escape(method), .. columns.Select(c => score.Overall.TryGetValue(c, out var v) ? BenchmarkMetricsTable.Format(c, v) : ""), score.Missing.ToString(CultureInfo.InvariantCulture)]);
        AnsiConsole.Write(official);

        var rows = report.Results.BuildRows().Where(r => r.Category == ResultsTable.AllCategory).ToList();
        if (rows.Count > 0)
        {
            var baseline = report.Results.BaselineMethod;
            var table = new Table().Title("per-question accuracy (95% CI)" + (baseline is null ? "" : $", paired vs {baseline}"))
                .AddColumn("method").AddColumn(new TableColumn("n").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned())
                .AddColumn(new TableColumn("Δ vs baseline").RightAligned()).AddColumn(new TableColumn("McNemar p").RightAligned())
                .AddColumn(new TableColumn("tokens").RightAligned()).AddColumn(new TableColumn("prefill ms").RightAligned());
            foreach (var r in rows)
            {
                var i = r.AccuracyInterval;
                var vs = r.VsBaseline;
                string[] cells = [r.Method, r.N.ToString(CultureInfo.InvariantCulture),
                    $"{100 * r.Accuracy:F2} [{100 * i.Lower:F1}, {100 * i.Upper:F1}]",
                    vs is null ? "" : $"{100 * vs.Bootstrap.Difference:+0.00;-0.00;0.00} [{100 * vs.Bootstrap.Lower:F1}, {100 * vs.Bootstrap.Upper:F1}]",
                    vs is null ? "" : vs.McNemar.ExactPValue.ToString("0.000", CultureInfo.InvariantCulture),
                    Cost(r, "tokens_total", "F0"), Cost(r, "prefill_ms", "F1")];
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
            AnsiConsole.Write(table);
        }
        AnsiConsole.MarkupLineInterpolated($"wrote [green]{Path.Combine(outDir, "metrics.md")}[/], results.md/.csv/.json and the official files under {Path.Combine(outDir, "official")}");
    }

    private static string Cost(ResultsRow r, string key, string format) =>
        r.Costs.TryGetValue(key, out var v) && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";
}
