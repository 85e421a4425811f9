namespace Blink.Workbench.Evaluation.Runs;

/// <summary>What scoring a run produced: per-item accuracy with paired statistics, and the official headline metrics.</summary>
public sealed record EvaluationReport(ResultsTable Results, BenchmarkMetricsTable Metrics);
