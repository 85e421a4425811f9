using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// A benchmark: reads its release files into <see cref="BenchmarkItem"/>s, scores an answer file like the official
/// script does, and writes the official submission/intermediate files. Model inference is not part of it; the caller
/// turns <see cref="BenchmarkItem.Prompt"/> + image into answer text.
/// </summary>
public interface IBenchmark
{
    /// <summary>Registry name, lower case (e.g. <c>pope</c>, <c>mmbench-cn</c>).</summary>
    string Name { get; }

    /// <summary>One line: what it is and which data folder layout it reads.</summary>
    string Description { get; }

    /// <summary>Reads and validates the benchmark from its data folder; errors name file and line.</summary>
    IReadOnlyList<BenchmarkItem> Load(string dataDirectory);

    /// <summary>The closed answer set for candidate log-likelihood scoring, or null for open answers.</summary>
    IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item);

    /// <summary>Scores answers (matched to items by question_id).</summary>
    BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers);

    /// <summary>Writes the files the official evaluation expects into <paramref name="outputDirectory"/>; returns their paths.</summary>
    IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName);
}
