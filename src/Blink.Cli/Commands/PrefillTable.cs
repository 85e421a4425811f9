using Blink.Workbench.Performance;

namespace Blink.Cli.Commands;

/// <summary>
/// The prefill table of <c>blink bench</c> (tiny model and slice): each method against vanilla measured in the same
/// rounds. The time ratio is the median of per-round ratios with a bootstrap 95% interval; Blink rows are held to
/// time / token ratio ≤ <see cref="Target"/> and get PASS / FAIL / UNRESOLVED from that interval.
/// </summary>
internal static class PrefillTable
{
    public const double Target = 1.03;

    /// <param name="measurements">Vanilla first, from one <see cref="InterleavedRounds"/> run.</param>
    /// <param name="isBlink">Which rows the Blink target applies to.</param>
    public static void Add(BenchReport report, string title, string jsonKey, IReadOnlyList<Measurement> measurements, Func<string, bool> isBlink, int msDigits, params string[] notes)
    {
        var vanilla = measurements[0];
        var rows = new List<string[]>();
        var json = new List<object>();
        foreach (var m in measurements)
        {
            var tokenRatio = (double)m.TokensProcessed / vanilla.TokensProcessed;
            var ratio = PairedStatistics.Ratio(vanilla, m);
            var perToken = ratio.Scale(1 / tokenRatio);
            var blink = isBlink(m.Name);
            var verdict = blink ? perToken.AtMost(Target) : (Verdict?)null;
            rows.Add(
            [
                m.Name, BenchReport.F(m.Median, msDigits), BenchReport.Iqr(m, msDigits), m.TokensProcessed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                BenchReport.F(tokenRatio), ReferenceEquals(m, vanilla) ? "1" : BenchReport.Interval(ratio), ReferenceEquals(m, vanilla) ? "1" : BenchReport.Interval(perToken),
                verdict is { } v ? BenchReport.Text(v) : "—", m.PeakBytes > 0 ? BenchReport.MiB(m.PeakBytes) : "—",
            ]);
            json.Add(new
            {
                measurement = BenchReport.ToJson(m), token_ratio = tokenRatio, time_ratio = BenchReport.ToJson(ratio), time_per_token_ratio = BenchReport.ToJson(perToken),
                target = blink ? Target : (double?)null, verdict = verdict is { } x ? BenchReport.Text(x) : null,
            });
        }
        report.Section(title,
            ["method", "median ms", "IQR ms", "tokens (Σ layers)", "token ratio", "time ratio (paired median [95% CI])", "time / token ratio [95% CI]", $"≤ {Target:0.00}", "peak RSS MiB"],
            rows,
            [
                $"Each of {vanilla.Count} rounds runs every row once, in an order rotated per round; ratios are per round against vanilla of the same round (paired), " +
                "summarised by their median with a percentile-bootstrap 95% interval. PASS: the whole interval of time / token ratio is ≤ the target; FAIL: it is above; " +
                $"UNRESOLVED: it straddles the target (or fewer than {PairedEstimate.MinRoundsForVerdict} rounds) — rerun with more --repeats on a quieter machine.",
                .. notes,
            ]);
        report.Data(jsonKey, json);
    }
}
