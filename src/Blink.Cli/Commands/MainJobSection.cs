using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Reporting;

namespace Blink.Cli.Commands;

/// <summary>
/// The main job's wall time for <c>blink bench</c>, read from the last <c>blink study</c> run folder's <c>run.json</c>
/// (its environment entries "started", "finished" and "elapsed"). Not re-run here: the main job takes minutes.
/// </summary>
internal static class MainJobSection
{
    public const double TargetMinutes = 10;

    public static void Add(BenchReport report, string studyFolder)
    {
        var path = Path.Combine(studyFolder, StudyRunFolder.ManifestFile);
        string[] row;
        object json;
        if (!File.Exists(path))
        {
            row = [studyFolder, "—", "not measured — run ./build.sh run", "—"];
            json = new { measured = false, reason = $"no {path}" };
        }
        else
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                var env = doc.RootElement.GetProperty("environment").EnumerateArray()
                    .ToDictionary(e => e.GetProperty("name").GetString() ?? "", e => e.GetProperty("value").GetString() ?? "");
                var started = env.GetValueOrDefault("started") ?? SubtitleDate(doc.RootElement);
                if (env.TryGetValue("elapsed", out var elapsedText) && TimeSpan.TryParse(elapsedText, CultureInfo.InvariantCulture, out var elapsed))
                {
                    var command = env.GetValueOrDefault("command line") ?? "blink study";
                    var verdict = elapsed.TotalMinutes <= TargetMinutes ? "PASS" : "FAIL";
                    row = [$"{command} ({path})", started, $"{elapsed:h\\:mm\\:ss}" + (env.ContainsKey("finished") ? "" : " (until the figures; older run.json)"), verdict];
                    json = new { measured = true, path, command, started, finished = env.GetValueOrDefault("finished"), elapsed_seconds = elapsed.TotalSeconds, target_minutes = TargetMinutes, verdict };
                }
                else
                {
                    row = [path, started, "not recorded — run ./build.sh run", "—"];
                    json = new { measured = false, reason = $"{path} has no elapsed entry" };
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                row = [path, "—", $"unreadable ({e.Message}) — run ./build.sh run", "—"];
                json = new { measured = false, reason = e.Message };
            }
        }
        report.Section("Main job (blink study = ./build.sh run) wall time", ["run", "started", "wall time", $"≤ {TargetMinutes:0} min"], [row],
            "Read from the last study run folder (--study), not re-run by the bench. The full test suite's time is measured by ./build.sh test, not here.");
        report.Data("main_job", json);
    }

    /// <summary>Older run.json files only have the start in the subtitle ("testbed, yyyy-MM-dd HH:mm", local time).</summary>
    private static string SubtitleDate(JsonElement root)
    {
        var subtitle = root.TryGetProperty("subtitle", out var s) ? s.GetString() ?? "" : "";
        var comma = subtitle.LastIndexOf(", ", StringComparison.Ordinal);
        return (comma >= 0 ? subtitle[(comma + 2)..] : subtitle) + " (local time)";
    }
}
