using Blink.Workbench.Analysis;
using Blink.Workbench.Plots;

namespace Blink.Workbench.Reporting;

/// <summary>A name/value line of the configuration or environment block.</summary>
public sealed record ReportEntry(string Name, string Value);

/// <summary>The headroom decomposition as written by <see cref="Evaluation.HeadroomDecomposition.ToJson"/>, and its files.</summary>
public sealed record DecompositionReport(System.Text.Json.Nodes.JsonObject Data, IReadOnlyList<string> Sources);

/// <summary>Blink's decisions on one sample, with the picture they refer to (PNG, optional).</summary>
public sealed record TraceSample(BlinkTraceData Trace, byte[]? ImagePng = null);

/// <summary>
/// Everything a run can put in its report, as plain data. Every input is optional: a null (or empty) input leaves its
/// section out, so <c>blink study</c> and <c>blink pilot</c> pass what they have (pilot result, results tables, training curves, traces).
/// </summary>
public sealed record StudyReportInput
{
    public string Title { get; init; } = "Blink Workbench run";
    public string? Subtitle { get; init; }

    /// <summary>What was run: model, data, methods, options.</summary>
    public IReadOnlyList<ReportEntry>? Configuration { get; init; }

    /// <summary>Pilot study 1.</summary>
    public LayerAttentionResult? Pilot { get; init; }

    /// <summary>How many of the pilot's kept samples get per-layer heatmaps.</summary>
    public int HeatmapSamples { get; init; } = 3;

    /// <summary>The layer whose per-head grid is shown (when the pilot kept heads for it).</summary>
    public int? HeadLayer { get; init; }

    /// <summary>Results tables (pilot study 2, main comparisons), each with its own section.</summary>
    public IReadOnlyList<ResultsSummary>? Results { get; init; }

    public IReadOnlyList<LossRun>? TrainingCurves { get; init; }

    /// <summary>Where the zoom headroom goes (region source × representation), when the run evaluated it.</summary>
    public DecompositionReport? Decomposition { get; init; }

    public IReadOnlyList<TraceSample>? Traces { get; init; }

    /// <summary>The files the pilot figures were drawn from, relative to the page (e.g. <c>pilot.json</c>); linked under each figure.</summary>
    public IReadOnlyList<string>? PilotSources { get; init; }

    /// <summary>The files the training curves were drawn from.</summary>
    public IReadOnlyList<string>? TrainingSources { get; init; }

    /// <summary>The files the Blink traces were drawn from.</summary>
    public IReadOnlyList<string>? TraceSources { get; init; }

    /// <summary>Run-specific environment lines (device, seed, command line); machine and library versions are added.</summary>
    public IReadOnlyList<ReportEntry>? Environment { get; init; }
}
