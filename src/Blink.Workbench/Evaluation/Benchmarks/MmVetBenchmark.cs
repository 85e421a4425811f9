using Blink.Workbench.IO;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// MM-Vet (218 open-ended questions). Scoring needs an external LLM grader (GPT-4 in the official evaluator, 0–1 per
/// answer), which an offline workbench cannot run, so <see cref="Score"/> only counts answers; export them with
/// <see cref="WriteOfficialFiles"/> and grade with the official MM-Vet evaluator.
/// </summary>
/// <remarks>
/// Data folder: <c>mm-vet.json</c> (<c>"v1_&lt;n&gt;" → {"imagename", "capability": [...], "question", "answer"}</c>)
/// and <c>images/</c>; or LLaVA's <c>llava-mm-vet.jsonl</c> question file (then images are looked up in
/// <c>images/</c> too). Ids are the integer n of <c>v1_n</c>; prompts carry no suffix, as in LLaVA.
/// </remarks>
public sealed class MmVetBenchmark : IBenchmark
{
    public const string OfficialFileName = "mm-vet.json";
    public const string LlavaQuestionFileName = "llava-mm-vet.jsonl";

    public string Name => "mm-vet";

    public string Description => "MM-Vet: mm-vet.json or llava-mm-vet.jsonl + images/; answers exported for external GPT-4 grading";

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) => null;

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory)
    {
        DataFolder.RequireDirectory(dataDirectory, Name);
        string imageDir = DataFolder.FindDirectoryOrRoot(dataDirectory, "images");
        string official = Path.Combine(dataDirectory, OfficialFileName);
        if (File.Exists(official))
        {
            var items = new List<BenchmarkItem>();
            foreach (JsonWithLines.Entry e in JsonWithLines.ReadObject(official))
            {
                if (e.Key is null || !e.Key.StartsWith("v1_", StringComparison.Ordinal) ||
                    !long.TryParse(e.Key[3..], NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                    throw new BenchmarkFormatException(official, e.Line, $"key \"{e.Key}\" is not of the form v1_<number>");
                string context = $"{e.Key}: ";
                string image = JsonWithLines.RequireString(e.Value, "imagename", official, e.Line, context);
                string question = JsonWithLines.RequireString(e.Value, "question", official, e.Line, context);
                string? answer = JsonWithLines.OptionalString(e.Value, "answer");
                string category = e.Value.TryGetProperty("capability", out JsonElement caps) && caps.ValueKind == JsonValueKind.Array
                    ? string.Join(",", caps.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()
                        : throw new BenchmarkFormatException(official, e.Line, $"{context}capability entries must be strings, found {c.ValueKind.ToString().ToLowerInvariant()} {JsonLines.Truncate(c.GetRawText(), 60)}")))
                    : "conv";
                items.Add(Item(QuestionId.FromNumber(n), category, question, image, answer, imageDir, official, e.Line));
            }
            return items;
        }
        string llava = DataFolder.FindFile(dataDirectory, Name, LlavaQuestionFileName);
        return QuestionFile.Read(llava)
            .Select(q => Item(q.QuestionId, q.Category, q.Text, q.Image, q.Answer, imageDir, llava, q.LineNumber)).ToList();
    }

    private static BenchmarkItem Item(QuestionId id, string category, string question, string image, string? answer,
        string imageDir, string file, int line) => new()
    {
        Id = id,
        Category = category,
        Question = question,
        Prompt = question,
        Image = ImageSource.FromFile(Path.Combine(imageDir, image)),
        ImageRelativePath = image,
        GroundTruth = answer,
        SourceFile = file,
        SourceLine = line,
    };

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out int unmatched);
        return new BenchmarkScore
        {
            Benchmark = Name,
            Overall = new Dictionary<string, double> { ["answered"] = byId.Count },
            PerCategory = new Dictionary<string, IReadOnlyDictionary<string, double>>(),
            Outcomes = [],
            Answered = byId.Count,
            Missing = items.Count - byId.Count,
            Unmatched = unmatched,
            Notes = ["not scored: MM-Vet is graded by an external LLM (GPT-4); export with WriteOfficialFiles and grade with the official evaluator"],
        };
    }

    /// <summary>Writes <c>{experiment}.json</c>: <c>{"v1_&lt;qid&gt;": answer}</c>, as LLaVA's <c>convert_mmvet_for_eval.py</c>.</summary>
    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out _);
        var result = new JsonObject();
        foreach (BenchmarkItem i in items)
            if (byId.TryGetValue(i.Id, out AnswerRecord? a))
                result[$"v1_{i.Id.Text}"] = a.Text;
        string path = Path.Combine(outputDirectory, experimentName + ".json");
        AtomicFile.WriteAllText(path, result.ToJsonString(JsonLines.IndentedOptions));
        return [path];
    }
}
