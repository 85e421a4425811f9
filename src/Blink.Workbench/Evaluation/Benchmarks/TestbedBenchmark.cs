using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// The workbench's synthetic fine-grained testbed, read from a folder written by <see cref="TestbedWriter"/>
/// (<c>questions.jsonl</c> + <c>images/</c>): closed-set questions with a known evidence box. Scored by exact match of
/// the normalised answer (lower case, trailing period removed), per category.
/// </summary>
public sealed class TestbedBenchmark : IBenchmark
{
    public string Name => "testbed";

    public string Description => "Synthetic fine-grained visual QA (existence, color, shape, count, digit, position) with evidence boxes";

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "questions.jsonl");
        if (!File.Exists(file)) throw new FileNotFoundException($"testbed question file not found: {file}", file);
        var images = Path.Combine(dataDirectory, "images");
        return TestbedQuestionFile.Read(file, images).Select(e => new BenchmarkItem
        {
            Id = QuestionId.FromString(e.Question.QuestionId),
            Category = e.Question.Category,
            Prompt = e.Question.Text,
            Question = e.Question.Question,
            Image = ImageSource.FromFile(Path.Combine(images, e.Question.Image)),
            ImageRelativePath = e.Question.Image,
            GroundTruth = e.Question.Answer,
            Options = e.Question.Choices,
            Evidence = e.Question.Evidence,
            SourceFile = e.File,
            SourceLine = e.Line,
        }).ToArray();
    }

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) => item.Options;

    public static string Normalize(string text) => text.Trim().TrimEnd('.').Trim().ToLowerInvariant();

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out var unmatched);
        var outcomes = items.Select(i => new ItemOutcome(i.Id.Text, i.Category,
            byId.TryGetValue(i.Id, out var a) && Normalize(a.Text) == Normalize(i.GroundTruth ?? ""))).ToArray();
        var answered = items.Count(i => byId.ContainsKey(i.Id));
        static double Acc(IEnumerable<ItemOutcome> o) => o.DefaultIfEmpty().Average(x => x?.Correct == true ? 1.0 : 0.0);
        return new BenchmarkScore
        {
            Benchmark = Name,
            Overall = new Dictionary<string, double> { ["accuracy"] = Acc(outcomes), ["n"] = outcomes.Length },
            PerCategory = outcomes.GroupBy(o => o.Category).ToDictionary(g => g.Key,
                g => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["accuracy"] = Acc(g), ["n"] = g.Count() }),
            Outcomes = outcomes,
            Answered = answered,
            Missing = items.Count - answered,
            Unmatched = unmatched,
            Notes = ["unanswered questions count as wrong"],
        };
    }

    /// <summary>The testbed has no external scorer; its "official" file is the per-category accuracy as JSON.</summary>
    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers, string outputDirectory, string experimentName)
    {
        var score = Score(items, answers);
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, $"{experimentName}_testbed_accuracy.json");
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["overall"] = score.Overall["accuracy"],
            ["n"] = score.Outcomes.Count,
            ["per_category"] = new System.Text.Json.Nodes.JsonObject(score.PerCategory.Select(kv =>
                new KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>(kv.Key, kv.Value["accuracy"]))),
        };
        IO.AtomicFile.WriteAllText(path, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return [path];
    }
}
