using Blink.Workbench.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// GQA testdev-balanced (compositional questions on Visual Genome images; exact-match accuracy).
/// </summary>
/// <remarks>
/// Data folder: the official <c>testdev_balanced_questions.json</c> (in the folder or <c>questions/</c>) — a dict
/// <c>questionId → {"imageId","question","answer","types":{"structural",…},…}</c> — and images in <c>images/</c>
/// as <c>{imageId}.jpg</c>. Items get the LLaVA suffix, and the structural type (verify/query/choose/logical/compare)
/// as category (LLaVA's question file says "default").
/// <para>Score: LLaVA's <c>convert_gqa_for_eval.py</c> normalises a prediction with Python's <c>rstrip('.')</c> and
/// <c>lower()</c>, then GQA's <c>eval.py</c> counts exact matches with the answer. We do the same. The open/binary
/// split follows eval.py's rule (structural type "query" is open, everything else binary). Consistency, validity,
/// plausibility and grounding need scene graphs and choices files and are not computed.</para>
/// </remarks>
public sealed class GqaBenchmark : IBenchmark
{
    public const string QuestionsFileName = "testdev_balanced_questions.json";
    public const string PredictionsFileName = "testdev_balanced_predictions.json";

    public string Name => "gqa";

    public string Description => "GQA testdev-balanced: testdev_balanced_questions.json + images/<imageId>.jpg";

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) => null;

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory)
    {
        DataFolder.RequireDirectory(dataDirectory, Name);
        string questions = DataFolder.FindFile(dataDirectory, Name, QuestionsFileName,
            Path.Combine("questions", QuestionsFileName));
        string imageDir = DataFolder.FindDirectoryOrRoot(dataDirectory, "images");
        var items = new List<BenchmarkItem>();
        foreach (JsonWithLines.Entry e in JsonWithLines.ReadObject(questions))
        {
            string context = $"question {e.Key}: ";
            string imageId = JsonWithLines.RequireString(e.Value, "imageId", questions, e.Line, context);
            string question = JsonWithLines.RequireString(e.Value, "question", questions, e.Line, context);
            string answer = JsonWithLines.RequireString(e.Value, "answer", questions, e.Line, context);
            string category = e.Value.TryGetProperty("types", out JsonElement types)
                ? JsonWithLines.OptionalString(types, "structural") ?? "default"
                : "default";
            string image = imageId + ".jpg";
            items.Add(new BenchmarkItem
            {
                Id = QuestionId.FromString(e.Key!),
                Category = category,
                Question = question,
                Prompt = Prompts.WithSuffix(question, Prompts.ShortAnswer),
                Image = ImageSource.FromFile(Path.Combine(imageDir, image)),
                ImageRelativePath = image,
                GroundTruth = answer,
                SourceFile = questions,
                SourceLine = e.Line,
            });
        }
        return items;
    }

    /// <summary>LLaVA's normalisation: Python <c>text.rstrip('.').lower()</c> (only periods are stripped).</summary>
    public static string NormalizePrediction(string text) => text.TrimEnd('.').ToLowerInvariant();

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out int unmatched);
        var outcomes = items.Where(i => byId.ContainsKey(i.Id))
            .Select(i => new ItemOutcome(i.Id.Text, i.Category, NormalizePrediction(byId[i.Id].Text) == i.GroundTruth))
            .ToList();
        var perCategory = outcomes.GroupBy(o => o.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
            {
                ["accuracy"] = g.Average(o => o.Correct ? 1.0 : 0.0), ["n"] = g.Count(),
            });
        var overall = new Dictionary<string, double>
        {
            ["accuracy"] = outcomes.Count == 0 ? 0 : outcomes.Average(o => o.Correct ? 1.0 : 0.0),
            ["n"] = outcomes.Count,
        };
        var open = outcomes.Where(o => o.Category == "query").ToList();
        var binary = outcomes.Where(o => o.Category is not ("query" or "default")).ToList();
        if (open.Count > 0) overall["open"] = open.Average(o => o.Correct ? 1.0 : 0.0);
        if (binary.Count > 0) overall["binary"] = binary.Average(o => o.Correct ? 1.0 : 0.0);
        return new BenchmarkScore
        {
            Benchmark = Name,
            Overall = overall,
            PerCategory = perCategory,
            Outcomes = outcomes,
            Answered = outcomes.Count,
            Missing = items.Count - outcomes.Count,
            Unmatched = unmatched,
            Notes = ["exact match after rstrip('.').lower(), as convert_gqa_for_eval.py + eval.py"],
        };
    }

    /// <summary>Writes <c>testdev_balanced_predictions.json</c>: <c>[{"questionId", "prediction"}]</c> in question order.</summary>
    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out _);
        var array = new JsonArray();
        foreach (BenchmarkItem i in items)
            if (byId.TryGetValue(i.Id, out AnswerRecord? a))
                array.Add(new JsonObject { ["questionId"] = i.Id.ToJson(), ["prediction"] = NormalizePrediction(a.Text) });
        string path = Path.Combine(outputDirectory, experimentName, PredictionsFileName);
        AtomicFile.WriteAllText(path, array.ToJsonString(JsonLines.WriteOptions));
        return [path];
    }
}
