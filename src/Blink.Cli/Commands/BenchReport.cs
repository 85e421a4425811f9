using System.Globalization;
using System.Text;
using System.Text.Json;
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

    public static object ToJson(Measurement m) => new
    {
        name = m.Name, median_ms = m.Median, mean_ms = m.Mean, std_ms = m.StdDev, min_ms = m.Min, samples_ms = m.Milliseconds,
        tokens_processed = m.TokensProcessed, peak_rss_bytes = m.PeakBytes, note = m.Note,
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
        WriteAtomic(Path.Combine(folder, "bench.json"), JsonSerializer.Serialize(_json, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void WriteAtomic(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
