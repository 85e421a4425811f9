using System.Text.Json;
using System.Text.RegularExpressions;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// ScienceQA-IMG (the test questions that have an image; multiple choice, accuracy).
/// </summary>
/// <remarks>
/// Data folder: LLaVA's <c>llava_test_CQM-A.json</c> — a JSON array of <c>{"id", "image"?, "conversations":
/// [{"from":"human","value":"Context: …\nQuestion: …\nOptions: (A) … (B) …\n&lt;image&gt;"}, {"from":"gpt",
/// "value":"The answer is B."}]}</c> (made by <c>scripts/convert_sqa_to_llava.py</c>) — and images under
/// <c>images/test/</c>, <c>test/</c> or <c>images/</c> at the path given by "image". The ground truth comes from
/// <c>problems.json</c> (<c>answer</c> index) when the folder has it, as <c>eval_science_qa.py</c> does, else from
/// the gpt turn. Only entries with an image are items (the IMG subset).
/// <para>Prompt as <c>model_vqa_science.py --single-pred-prompt</c>: the human turn without <c>&lt;image&gt;</c>,
/// stripped, then <c>"\n"</c> + the multiple-choice suffix. Scoring as the official script, including that a question
/// with no answer counts as wrong (FAILED), not as missing.</para>
/// </remarks>
public sealed partial class ScienceQaBenchmark : IBenchmark
{
    public const string QuestionFileName = "llava_test_CQM-A.json";

    public string Name => "scienceqa-img";

    public string Description => "ScienceQA-IMG: llava_test_CQM-A.json (+ optional problems.json), images/test/<id>/image.png";

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) =>
        Prompts.OptionLetters.Take(item.Options?.Count ?? 0).ToList();

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory)
    {
        DataFolder.RequireDirectory(dataDirectory, Name);
        string file = DataFolder.FindFile(dataDirectory, Name, QuestionFileName);
        string imageDir = DataFolder.FindDirectoryOrRoot(dataDirectory, Path.Combine("images", "test"), "test", "images");
        string problemsPath = Path.Combine(dataDirectory, "problems.json");
        Dictionary<string, int>? problemAnswers = File.Exists(problemsPath) ? ReadProblemAnswers(problemsPath) : null;

        var items = new List<BenchmarkItem>();
        foreach (JsonWithLines.Entry e in JsonWithLines.ReadArray(file))
        {
            if (e.Value.ValueKind != JsonValueKind.Object)
                throw new BenchmarkFormatException(file, e.Line, $"expected an object, found {e.Value.ValueKind}");
            if (!e.Value.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                throw new BenchmarkFormatException(file, e.Line, "missing field \"id\"");
            string id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText();
            string? image = JsonWithLines.OptionalString(e.Value, "image");
            if (image is null)
                continue; // text-only question: not part of ScienceQA-IMG
            if (!e.Value.TryGetProperty("conversations", out JsonElement conv) || conv.ValueKind != JsonValueKind.Array ||
                conv.GetArrayLength() < 1)
                throw new BenchmarkFormatException(file, e.Line, $"id {id}: missing \"conversations\" array");
            string human = JsonWithLines.RequireString(conv[0], "value", file, e.Line, $"id {id}: conversations[0]: ");
            string question = human.Replace("<image>", "").Trim();
            List<string> options = ParseOptions(question);
            if (options.Count < 2)
                throw new BenchmarkFormatException(file, e.Line, $"id {id}: no \"Options: (A) … (B) …\" line in the question");

            string truth;
            if (problemAnswers is not null)
            {
                if (!problemAnswers.TryGetValue(id, out int index) || index < 0 || index >= options.Count)
                    throw new BenchmarkFormatException(problemsPath, null, $"problem {id}: no valid answer index for {options.Count} options");
                truth = Prompts.OptionLetters[index];
            }
            else
            {
                string gpt = conv.GetArrayLength() > 1
                    ? JsonWithLines.RequireString(conv[1], "value", file, e.Line, $"id {id}: conversations[1]: ")
                    : "";
                Match m = AnswerIs().Match(gpt);
                if (!m.Success)
                    throw new BenchmarkFormatException(file, e.Line,
                        $"id {id}: no ground truth (no problems.json and the gpt turn has no \"The answer is X\")");
                truth = m.Groups[1].Value;
            }

            items.Add(new BenchmarkItem
            {
                Id = QuestionId.FromString(id),
                Category = "img",
                Question = question,
                Prompt = Prompts.WithSuffix(question, Prompts.MultipleChoice),
                Image = ImageSource.FromFile(Path.Combine(imageDir, image)),
                ImageRelativePath = image,
                GroundTruth = truth,
                Options = options,
                SourceFile = file,
                SourceLine = e.Line,
            });
        }
        return items;
    }

    /// <summary>Options from the "Options: (A) x (B) y" line of a CQM-A question.</summary>
    public static List<string> ParseOptions(string question)
    {
        string? line = question.Split('\n').FirstOrDefault(l => l.StartsWith("Options:", StringComparison.Ordinal));
        if (line is null)
            return [];
        return OptionSplit().Split(line["Options:".Length..]).Skip(1).Where((_, i) => i % 2 == 1)
            .Select(s => s.Trim()).ToList();
    }

    private static Dictionary<string, int> ReadProblemAnswers(string path)
    {
        var answers = new Dictionary<string, int>();
        foreach (JsonWithLines.Entry e in JsonWithLines.ReadObject(path))
            if (e.Value.ValueKind == JsonValueKind.Object && e.Value.TryGetProperty("answer", out JsonElement a) &&
                a.ValueKind == JsonValueKind.Number)
                answers[e.Key!] = a.GetInt32();
        return answers;
    }

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out int unmatched);
        int failed = 0;
        var outcomes = new List<ItemOutcome>();
        foreach (BenchmarkItem i in items)
        {
            string letter = byId.TryGetValue(i.Id, out AnswerRecord? a) ? ScienceQaAnswerParser.Parse(a.Text) : ScienceQaAnswerParser.Failed;
            if (letter == ScienceQaAnswerParser.Failed) failed++;
            int index = Prompts.OptionLetters.ToList().IndexOf(letter);
            bool right = index >= 0 && index < i.Options!.Count && letter == i.GroundTruth;
            outcomes.Add(new ItemOutcome(i.Id.Text, i.Category, right));
        }
        int answered = items.Count(i => byId.ContainsKey(i.Id));
        double accuracy = outcomes.Count == 0 ? 0 : outcomes.Average(o => o.Correct ? 1.0 : 0.0);
        return new BenchmarkScore
        {
            Benchmark = Name,
            Overall = new Dictionary<string, double>
            {
                ["accuracy"] = accuracy, ["n"] = outcomes.Count, ["failed"] = failed,
            },
            PerCategory = new Dictionary<string, IReadOnlyDictionary<string, double>>
            {
                ["img"] = new Dictionary<string, double> { ["accuracy"] = accuracy, ["n"] = outcomes.Count },
            },
            Outcomes = outcomes,
            Answered = answered,
            Missing = items.Count - answered,
            Unmatched = unmatched,
            Notes = ["as eval_science_qa.py: unanswered questions count as FAILED (wrong) and stay in the total"],
        };
    }

    /// <summary>Writes <c>{experiment}.jsonl</c>, the LLaVA answer file <c>eval_science_qa.py --result-file</c> reads.</summary>
    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out _);
        string path = Path.Combine(outputDirectory, experimentName + ".jsonl");
        AnswerFile.Write(path, items.Where(i => byId.ContainsKey(i.Id)).Select(i => byId[i.Id]));
        return [path];
    }

    [GeneratedRegex(@"The answer is ([A-E])")]
    private static partial Regex AnswerIs();

    [GeneratedRegex(@"\(([A-E])\)")]
    private static partial Regex OptionSplit();
}
