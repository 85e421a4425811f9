using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// A benchmark whose questions are answered by free greedy generation even where it has a closed answer set — LLaVA's
/// own protocol (<c>model_vqa_loader.py</c>: temperature 0, parse the text), for numbers that compare with published
/// tables. Without it the closed set is scored by log-likelihood, which never produces an unparseable answer.
/// </summary>
public sealed class GeneratedAnswersBenchmark(IBenchmark inner) : IBenchmark
{
    public IBenchmark Inner { get; } = inner;

    public string Name => Inner.Name;

    public string Description => Inner.Description;

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory) => Inner.Load(dataDirectory);

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) => null;

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers) => Inner.Score(items, answers);

    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName) => Inner.WriteOfficialFiles(items, answers, outputDirectory, experimentName);
}
