using System.Text.Json;
using Blink.Workbench.IO;
using Blink.Workbench.Models;

namespace Blink.Workbench.Evaluation.Runs;

/// <summary>
/// <c>eval-run.json</c> in the output folder: which benchmark, data folder and question limit the answers belong to.
/// It lets <c>blink eval merge --out DIR</c> work without repeating them, and stops a second run from mixing another
/// benchmark's answers (or answers of the other answer mode, or of another model) into the same folder.
/// </summary>
public sealed record EvalRunFile(string Benchmark, string Data, int? Limit, string AnswerMode = "closed", string? Model = null, string? ModelFingerprint = null)
{
    public const string FileName = "eval-run.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static EvalRunFile? TryRead(string outputDirectory)
    {
        var path = Path.Combine(outputDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var run = JsonSerializer.Deserialize<EvalRunFile>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty run file.");
            // Records accept a missing or null field as null; every later comparison needs these three.
            var missing = new[] { ("benchmark", run.Benchmark), ("data", run.Data), ("answer_mode", run.AnswerMode) }.Where(f => f.Item2 is null).Select(f => f.Item1).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"{path}: the run file has no {string.Join(", ", missing)}; delete it to start over.");
            if (run.Data.Length == 0 || run.Data.Contains('\0'))
                throw new InvalidDataException($"{path}: 'data' is not a folder path; delete the file to start over.");
            return run;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid run file ({e.Message}); delete it to start over.", e);
        }
    }

    /// <summary>Whether <see cref="CheckAndWrite"/> would accept the folder.</summary>
    public bool Fits(string outputDirectory)
    {
        try
        {
            var existing = TryRead(outputDirectory);
            return existing is null || (existing.Benchmark.Equals(Benchmark, StringComparison.OrdinalIgnoreCase) && SamePath(existing.Data, Data)
                && existing.AnswerMode == AnswerMode && (existing.ModelFingerprint is null || ModelFingerprint is null || existing.ModelFingerprint == ModelFingerprint));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Checks that this run may write into the folder, then records it (same content from every shard).</summary>
    public void CheckAndWrite(string outputDirectory)
    {
        var existing = TryRead(outputDirectory);
        if (existing is not null && (!existing.Benchmark.Equals(Benchmark, StringComparison.OrdinalIgnoreCase) || !SamePath(existing.Data, Data)))
            throw new ArgumentException(
                $"{Path.Combine(outputDirectory, FileName)}: this output folder holds answers for benchmark '{existing.Benchmark}' on {existing.Data}, " +
                $"not '{Benchmark}' on {Data}; choose another --out.");
        if (existing is not null && existing.AnswerMode != AnswerMode)
            throw new ArgumentException($"{Path.Combine(outputDirectory, FileName)}: the answers here were made with --answer-mode {existing.AnswerMode}; choose another --out for {AnswerMode}.");
        // Run files written before models were recorded (no fingerprint) are accepted and upgraded.
        if (existing?.ModelFingerprint is { } was && ModelFingerprint is { } now && was != now)
            throw new ArgumentException(
                $"{Path.Combine(outputDirectory, FileName)}: the answers here were made by the model in {existing.Model} (fingerprint {was}), " +
                $"not by {Model} (fingerprint {now}); resuming would mix two models' answers. Choose another --out, or delete the folder to start over.");
        if (existing != this) AtomicFile.WriteAllText(Path.Combine(outputDirectory, FileName), JsonSerializer.Serialize(this, Json) + "\n");
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
