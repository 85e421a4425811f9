using System.Text.Json;
using Blink.Workbench.Analysis;
using Blink.Workbench.IO;
using Blink.Workbench.Plots;

namespace Blink.Workbench.Reporting;

/// <summary>What <c>run.json</c> holds: the report's title, configuration and run environment.</summary>
public sealed record RunManifest(string Title, string? Subtitle, IReadOnlyList<ReportEntry> Configuration, IReadOnlyList<ReportEntry> Environment,
    int HeatmapSamples = 3, int? HeadLayer = null);

/// <summary>
/// The JSON files of a run folder, from which <c>blink report --run DIR</c> rebuilds the page: <c>run.json</c>
/// (<see cref="RunManifest"/>), <c>pilot.json</c> (<see cref="LayerAttentionResult"/>), every <c>results.json</c> below
/// the folder (written by <see cref="Evaluation.ResultsTable.WriteAll"/>), <c>traces.json</c> (<see cref="TraceSample"/>s)
/// and <c>training.json</c> (<see cref="LossRun"/>s). Any of them may be missing; its section is then left out.
/// </summary>
public static class StudyRunFolder
{
    public const string ManifestFile = "run.json";
    public const string TracesFile = "traces.json";
    public const string TrainingFile = "training.json";
    public const string ResultsFile = "results.json";
    public const string ReportFile = "report.html";

    /// <summary>The sub-folder where <c>blink study</c> evaluates the headroom decomposition's methods.</summary>
    public const string DecompositionFolder = "decomposition";

    public static void WriteManifest(string folder, RunManifest manifest) => Write(folder, ManifestFile, manifest);
    public static void WriteTraces(string folder, IReadOnlyList<TraceSample> traces) => Write(folder, TracesFile, traces);
    public static void WriteTraining(string folder, IReadOnlyList<LossRun> runs) => Write(folder, TrainingFile, runs);

    public static StudyReportInput Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Run folder not found: {folder}");
        var manifest = Read<RunManifest>(folder, ManifestFile);
        var pilotPath = Path.Combine(folder, LayerAttentionResult.FileName);
        var results = Directory.EnumerateFiles(folder, ResultsFile, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => ResultsSummary.Load(p, Title(folder, p)) with { Sources = Siblings(folder, p, ".json", ".csv", ".md") }).ToList();
        return new StudyReportInput
        {
            Title = manifest?.Title ?? $"Blink Workbench run: {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))}",
            Subtitle = manifest?.Subtitle,
            Configuration = manifest?.Configuration,
            Environment = manifest?.Environment,
            HeatmapSamples = manifest?.HeatmapSamples ?? 3,
            HeadLayer = manifest?.HeadLayer,
            Pilot = File.Exists(pilotPath) ? LayerAttentionResult.Load(pilotPath) : null,
            Results = results,
            Traces = Read<List<TraceSample>>(folder, TracesFile),
            TrainingCurves = Read<List<LossRun>>(folder, TrainingFile),
            PilotSources = Siblings(folder, pilotPath, ".json"),
            TraceSources = Siblings(folder, Path.Combine(folder, TracesFile), ".json"),
            TrainingSources = Siblings(folder, Path.Combine(folder, TrainingFile), ".json"),
            Decomposition = ReadDecomposition(folder),
        };
    }

    /// <summary>Rebuilds <c>report.html</c> in the folder from its JSON files; returns the page's path.</summary>
    public static string RebuildReport(string folder)
    {
        var input = Load(folder);
        // A folder with none of the run files is a wrong --run, not an empty study: write nothing there.
        if (input.Configuration is null && input.Pilot is null && (input.Results is null || input.Results.Count == 0) && input.Traces is null && input.TrainingCurves is null)
            throw new FileNotFoundException($"{folder} holds no run files ({ManifestFile}, {LayerAttentionResult.FileName}, {ResultsFile}, {TracesFile} or {TrainingFile}); " +
                "pass the folder a blink study, pilot or eval wrote (e.g. artifacts/study).");
        return StudyReport.Save(input, Path.Combine(folder, ReportFile));
    }

    /// <summary>A results table's section title: the sub-folder it came from ("forced" → "Results: forced").</summary>
    private static string Title(string folder, string path)
    {
        var rel = Path.GetRelativePath(folder, Path.GetDirectoryName(path)!);
        return rel == "." ? "Results" : $"Results: {rel.Replace(Path.DirectorySeparatorChar, '/')}";
    }

    /// <summary>The files next to <paramref name="path"/> with the same name and the given extensions that exist, relative to the folder, with '/'.</summary>
    private static IReadOnlyList<string> Siblings(string folder, string path, params string[] extensions)
    {
        var stem = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
        return extensions.Select(e => stem + e).Where(File.Exists)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/')).ToList();
    }

    /// <summary>The first <c>decomposition.json</c> below the folder (the study's, or an eval folder's own), with its figure.</summary>
    private static DecompositionReport? ReadDecomposition(string folder)
    {
        var path = Directory.EnumerateFiles(folder, Evaluation.HeadroomDecomposition.FileStem + ".json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
        if (path is null) return null;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path}: expected a JSON object.");
            return new DecompositionReport(node, Siblings(folder, path, ".md", ".json", ".png"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static void Write<T>(string folder, string name, T value)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, name), JsonSerializer.Serialize(value, LayerAttentionResult.Json));
    }

    private static T? Read<T>(string folder, string name) where T : class
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), LayerAttentionResult.Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
