using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// POPE (object hallucination; random / popular / adversarial splits of 3,000 yes/no questions on COCO val2014).
/// </summary>
/// <remarks>
/// Data folder: annotation files <c>coco_pope_{category}.json</c> (JSON lines <c>{"question_id","image","text","label"}</c>)
/// in the folder or its <c>coco/</c> sub-folder (LLaVA's layout), images in <c>val2014/</c>, <c>images/</c> or the
/// folder itself, and optionally LLaVA's <c>llava_pope_test.jsonl</c>. With the LLaVA question file its ids are used
/// and each question's label is looked up by (category, image, question); without it ids follow LLaVA's numbering:
/// adversarial = annotation id, random = 10,000,000 + id, popular = 20,000,000 + id.
/// <para>Difference from the official script: <c>eval_pope.py</c> zips the labels of the annotation file, in file
/// order, with the answers of that category in answer-file order, so a reordered or incomplete answer file silently
/// misaligns. We match answers to questions by question_id instead; on a complete answer file in question order both
/// give the same numbers. Precision (recall, F1) is reported as 0 where the official script would divide by zero.
/// We also report a pooled "all" row, which the official script does not print.</para>
/// </remarks>
public sealed class PopeBenchmark : IBenchmark
{
    public const string LlavaQuestionFileName = "llava_pope_test.jsonl";

    private static readonly Dictionary<string, long> LlavaIdOffsets = new()
    {
        ["adversarial"] = 0, ["random"] = 10_000_000, ["popular"] = 20_000_000,
    };

    public string Name => "pope";

    public string Description =>
        "POPE random/popular/adversarial: coco_pope_*.json (+ optional llava_pope_test.jsonl), images in val2014/";

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) => ["Yes", "No"];

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory)
    {
        DataFolder.RequireDirectory(dataDirectory, Name);
        string annotationDir = DataFolder.FindDirectoryOrRoot(dataDirectory, "coco");
        string imageDir = DataFolder.FindDirectoryOrRoot(dataDirectory, "val2014", "images");
        string[] annotationFiles = Directory.GetFiles(annotationDir, "coco_pope_*.json").Order(StringComparer.Ordinal).ToArray();
        if (annotationFiles.Length == 0)
            throw new FileNotFoundException($"pope: no coco_pope_<category>.json annotation files in {annotationDir}");

        var annotations = new List<(string Category, long Id, string Image, string Question, string Label, string File, int Line)>();
        foreach (string file in annotationFiles)
        {
            string category = Path.GetFileName(file)["coco_pope_".Length..^".json".Length];
            foreach (JsonLines.Line line in JsonLines.ReadObjects(file))
            {
                QuestionId id = JsonLines.RequireQuestionId(line.Object, "question_id", file, line.LineNumber);
                if (!id.IsNumber)
                    throw new BenchmarkFormatException(file, line.LineNumber, $"question_id must be an integer, found {id}");
                string label = JsonLines.RequireString(line.Object, "label", file, line.LineNumber);
                if (label is not ("yes" or "no"))
                    throw new BenchmarkFormatException(file, line.LineNumber, $"label must be \"yes\" or \"no\", found \"{label}\"");
                annotations.Add((category, id.ToInt64(),
                    JsonLines.RequireString(line.Object, "image", file, line.LineNumber),
                    JsonLines.RequireString(line.Object, "text", file, line.LineNumber), label, file, line.LineNumber));
            }
        }

        string llavaQuestions = Path.Combine(dataDirectory, LlavaQuestionFileName);
        return File.Exists(llavaQuestions)
            ? FromLlavaQuestionFile(llavaQuestions, annotations, imageDir)
            : FromAnnotations(annotations, imageDir);
    }

    private static List<BenchmarkItem> FromAnnotations(
        List<(string Category, long Id, string Image, string Question, string Label, string File, int Line)> annotations,
        string imageDir)
    {
        var unknown = annotations.Select(a => a.Category).Where(c => !LlavaIdOffsets.ContainsKey(c)).Distinct()
            .Order(StringComparer.Ordinal).ToList();
        long Offset(string category) =>
            LlavaIdOffsets.TryGetValue(category, out long o) ? o : (3 + unknown.IndexOf(category)) * 10_000_000L;

        var items = new List<BenchmarkItem>();
        var seen = new Dictionary<long, (string File, int Line)>();
        foreach (var a in annotations)
        {
            long id = Offset(a.Category) + a.Id;
            if (!seen.TryAdd(id, (a.File, a.Line)))
                throw new BenchmarkFormatException(a.File, a.Line,
                    $"question_id {a.Id} appears twice in category {a.Category} (also {seen[id].File}:{seen[id].Line})");
            items.Add(Item(QuestionId.FromNumber(id), a.Category, a.Question, a.Image, a.Label, imageDir, a.File, a.Line));
        }
        return items;
    }

    private static List<BenchmarkItem> FromLlavaQuestionFile(string questionFile,
        List<(string Category, long Id, string Image, string Question, string Label, string File, int Line)> annotations,
        string imageDir)
    {
        var labels = new Dictionary<(string, string, string), string>();
        foreach (var a in annotations)
            labels[(a.Category, a.Image, a.Question)] = a.Label;

        var items = new List<BenchmarkItem>();
        foreach (QuestionRecord q in QuestionFile.Read(questionFile))
        {
            string question = Prompts.StripSuffix(q.Text, Prompts.ShortAnswer);
            if (!labels.TryGetValue((q.Category, q.Image, question), out string? label))
                throw new BenchmarkFormatException(questionFile, q.LineNumber,
                    $"no annotation in coco_pope_{q.Category}.json for image {q.Image} and question \"{question}\"");
            items.Add(Item(q.QuestionId, q.Category, question, q.Image, label, imageDir, questionFile, q.LineNumber));
        }
        return items;
    }

    private static BenchmarkItem Item(QuestionId id, string category, string question, string image, string label,
        string imageDir, string file, int line) => new()
    {
        Id = id,
        Category = category,
        Question = question,
        Prompt = Prompts.WithSuffix(question, Prompts.ShortAnswer),
        Image = ImageSource.FromFile(Path.Combine(imageDir, image)),
        ImageRelativePath = image,
        GroundTruth = label,
        SourceFile = file,
        SourceLine = line,
    };

    /// <summary>Confusion counts and the official POPE metrics for one category (yes = positive).</summary>
    public sealed record PopeMetrics(int TruePositive, int FalsePositive, int TrueNegative, int FalseNegative)
    {
        public int Total => TruePositive + FalsePositive + TrueNegative + FalseNegative;
        public double Accuracy => Ratio(TruePositive + TrueNegative, Total);
        public double Precision => Ratio(TruePositive, TruePositive + FalsePositive);
        public double Recall => Ratio(TruePositive, TruePositive + FalseNegative);
        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
        public double YesRatio => Ratio(TruePositive + FalsePositive, Total);

        public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>
        {
            ["accuracy"] = Accuracy, ["precision"] = Precision, ["recall"] = Recall, ["f1"] = F1,
            ["yes_ratio"] = YesRatio, ["tp"] = TruePositive, ["fp"] = FalsePositive, ["tn"] = TrueNegative,
            ["fn"] = FalseNegative, ["n"] = Total,
        };

        private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;
    }

    /// <summary>The confusion counts per category (and pooled under <see cref="ResultsTable.AllCategory"/>).</summary>
    public static IReadOnlyDictionary<string, PopeMetrics> Confusion(IReadOnlyList<BenchmarkItem> items,
        IReadOnlyList<AnswerRecord> answers)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out _);
        var counts = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (BenchmarkItem item in items)
        {
            if (!byId.TryGetValue(item.Id, out AnswerRecord? answer))
                continue;
            bool predYes = PopeAnswerParser.Parse(answer.Text) == "yes";
            bool labelYes = item.GroundTruth == "yes";
            int slot = (predYes, labelYes) switch { (true, true) => 0, (true, false) => 1, (false, false) => 2, _ => 3 };
            foreach (string key in new[] { item.Category, ResultsTable.AllCategory })
            {
                if (!counts.TryGetValue(key, out int[]? c))
                    counts[key] = c = new int[4];
                c[slot]++;
            }
        }
        return counts.ToDictionary(kv => kv.Key, kv => new PopeMetrics(kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3]));
    }

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out int unmatched);
        var confusion = Confusion(items, answers);
        var outcomes = items.Where(i => byId.ContainsKey(i.Id))
            .Select(i => new ItemOutcome(i.Id.Text, i.Category, PopeAnswerParser.Parse(byId[i.Id].Text) == i.GroundTruth))
            .ToList();
        return new BenchmarkScore
        {
            Benchmark = Name,
            Overall = confusion.TryGetValue(ResultsTable.AllCategory, out var all)
                ? all.ToDictionary()
                : new Dictionary<string, double>(),
            PerCategory = confusion.Where(kv => kv.Key != ResultsTable.AllCategory)
                .ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary()),
            Outcomes = outcomes,
            Answered = outcomes.Count,
            Missing = items.Count - outcomes.Count,
            Unmatched = unmatched,
            Notes =
            [
                "answers matched to questions by question_id (the official script zips by order)",
                "POPE papers report per-category F1/accuracy; the 'all' pool is an extra",
            ],
        };
    }

    /// <summary>
    /// Writes <c>{experiment}.jsonl</c>, the answer file in LLaVA's format that <c>eval_pope.py --result-file</c>
    /// reads, plus <c>llava_pope_test.jsonl</c> (the matching question file), in question order.
    /// </summary>
    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out _);
        string answerPath = Path.Combine(outputDirectory, experimentName + ".jsonl");
        string questionPath = Path.Combine(outputDirectory, LlavaQuestionFileName);
        AnswerFile.Write(answerPath, items.Where(i => byId.ContainsKey(i.Id)).Select(i => byId[i.Id]));
        QuestionFile.Write(questionPath, items.Select(i => i.ToQuestionRecord() with { Answer = null, Extras = new JsonObject() }));
        return [answerPath, questionPath];
    }
}
