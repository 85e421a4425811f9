using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Blink.Workbench.Performance;

namespace Blink.Cli.Commands;

/// <summary>Collects bench sections and writes them as one markdown page and one JSON file.</summary>
internal sealed class BenchReport
{
    private readonly List<(string Title, string[] Headers, List<string[]> Rows, List<string> Notes)> _sections = [];
    private readonly Dictionary<string, object> _json = [];

    public void Section(string title, string[] headers, IEnumerable<string[]> rows, params string[] notes) =>
        _sections.Add((title, headers, rows.ToList(), notes.ToList()));

    public void Data(string key, object value) => _json[key] = value;

    public static string Ms(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
    public static string F(double v, int digits = 3) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);

    public static string Iqr(Measurement m, int digits = 1)
    {
        var (q1, q3) = m.Quartiles;
        return $"{F(q1, digits)}–{F(q3, digits)}";
    }

    /// <summary>"median [lower, upper]" of a paired estimate, or "—" when it has no rounds.</summary>
    public static string Interval(PairedEstimate e, int digits = 3) => e.Rounds switch
    {
        0 => "—",
        1 => $"{F(e.Median, digits)} (1 round, no interval)",
        _ => $"{F(e.Median, digits)} [{F(e.Lower, digits)}, {F(e.Upper, digits)}]",
    };

    public static string Text(Verdict v) => v switch { Verdict.Pass => "PASS", Verdict.Fail => "FAIL", _ => "UNRESOLVED" };

    public static object ToJson(Measurement m) => new
    {
        name = m.Name, median_ms = m.Median, q1_ms = m.Quartiles.Q1, q3_ms = m.Quartiles.Q3, mean_ms = m.Mean, std_ms = m.StdDev,
        min_ms = m.Min, max_ms = m.Max, samples_ms = m.Milliseconds, tokens_processed = m.TokensProcessed, peak_rss_bytes = m.PeakBytes, note = m.Note,
    };

    public static object ToJson(PairedEstimate e) => new
    {
        median = e.Median, ci95_lower = e.Lower, ci95_upper = e.Upper, min = e.Min, max = e.Max, rounds = e.Rounds,
    };

    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var md = new StringBuilder();
        md.AppendLine("# blink bench").AppendLine();
        md.AppendLine($"Machine: {Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}, .NET {Environment.Version}; " +
                      $"TorchSharp threads {TorchSharp.torch.get_num_threads()}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.").AppendLine();
        foreach (var (title, headers, rows, notes) in _sections)
        {
            md.AppendLine($"## {title}").AppendLine();
            md.AppendLine("| " + string.Join(" | ", headers) + " |");
            md.AppendLine("|" + string.Concat(headers.Select(_ => "---|")));
            foreach (var r in rows) md.AppendLine("| " + string.Join(" | ", r) + " |");
            md.AppendLine();
            foreach (var n in notes) md.AppendLine(n).AppendLine();
        }
        WriteAtomic(Path.Combine(folder, "bench.md"), md.ToString());
        WriteAtomic(Path.Combine(folder, "bench.json"), JsonSerializer.Serialize(_json, new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }

    private static void WriteAtomic(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
