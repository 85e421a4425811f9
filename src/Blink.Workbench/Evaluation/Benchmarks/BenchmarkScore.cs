using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// A benchmark's scores: overall and per-category metrics by name (official metric names where there are some),
/// per-unit outcomes for paired statistics, and how many items had no answer.
/// </summary>
public sealed record BenchmarkScore
{
    public required string Benchmark { get; init; }

    /// <summary>Pooled metrics (e.g. accuracy, f1, perception, cognition).</summary>
    public required IReadOnlyDictionary<string, double> Overall { get; init; }

    /// <summary>Metrics per category (POPE split, MME subtask, GQA structural type, MMBench category…).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> PerCategory { get; init; }

    /// <summary>Correctness per scored unit, for <see cref="ResultsTable"/>; empty when the benchmark is graded
    /// externally (MM-Vet).</summary>
    public required IReadOnlyList<ItemOutcome> Outcomes { get; init; }

    /// <summary>Items that got an answer.</summary>
    public int Answered { get; init; }

    /// <summary>Items with no answer. Excluded from the metrics unless <see cref="Notes"/> says otherwise.</summary>
    public int Missing { get; init; }

    /// <summary>Answers whose question_id matches no item (ignored).</summary>
    public int Unmatched { get; init; }

    /// <summary>How the scores were computed and how that differs from the official script.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
