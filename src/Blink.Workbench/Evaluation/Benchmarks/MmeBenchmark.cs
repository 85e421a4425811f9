using Blink.Workbench.IO;
using System.Text;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// MME (14 yes/no subtasks, two questions per image: one "Yes", one "No").
/// </summary>
/// <remarks>
/// Data folder: <c>MME_Benchmark_release_version</c> (or a folder holding it) with one folder per subtask, each either
/// <c>images/</c> + <c>questions_answers_YN/*.txt</c> or images and <c>.txt</c> files side by side; every
/// <c>.txt</c> has two lines <c>question\tYes|No</c> for the image with the same stem.
/// <para>Ids: LLaVA's <c>llava_mme.jsonl</c> gives both questions of an image the same id (the image path), which
/// breaks resume and id matching, so our items use <c>"{image path}#0"</c> and <c>"#1"</c>. Answers from LLaVA's own
/// files (id = image path) are still scored: they are matched by image path and question text, like
/// <c>convert_answer_to_mme.py</c> does.</para>
/// <para>Score (<c>calculation.py</c>): per subtask, acc = right answers / questions ("other" is wrong), acc+ =
/// images with both answers right / images, score = 100·acc + 100·acc+ (max 200); perception = sum of the 10
/// perception subtasks (max 2000), cognition = sum of the 4 cognition subtasks (max 800). Difference: the official
/// script pairs consecutive lines of its per-subtask file; we pair by image, and an image with a missing answer is
/// left out (counted in Missing) instead of shifting every later pair.</para>
/// </remarks>
public sealed class MmeBenchmark : IBenchmark
{
    public const string ReleaseFolderName = "MME_Benchmark_release_version";
    private const string YesNoSuffix = "Please answer yes or no.";

    public static readonly IReadOnlyList<string> PerceptionSubtasks =
        ["existence", "count", "position", "color", "posters", "celebrity", "scene", "landmark", "artwork", "OCR"];

    public static readonly IReadOnlyList<string> CognitionSubtasks =
        ["commonsense_reasoning", "numerical_calculation", "text_translation", "code_reasoning"];

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"];

    public string Name => "mme";

    public string Description =>
        "MME: MME_Benchmark_release_version/<subtask>/ with images/ + questions_answers_YN/*.txt or side-by-side .txt";

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) => ["Yes", "No"];

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory)
    {
        DataFolder.RequireDirectory(dataDirectory, Name);
        string root = Directory.Exists(Path.Combine(dataDirectory, ReleaseFolderName))
            ? Path.Combine(dataDirectory, ReleaseFolderName)
            : dataDirectory;
        var items = new List<BenchmarkItem>();
        foreach (string subtaskDir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            string subtask = Path.GetFileName(subtaskDir);
            bool split = Directory.Exists(Path.Combine(subtaskDir, "images"));
            string imageDir = split ? Path.Combine(subtaskDir, "images") : subtaskDir;
            string qaDir = split ? Path.Combine(subtaskDir, "questions_answers_YN") : subtaskDir;
            if (!Directory.Exists(qaDir))
                throw new DirectoryNotFoundException($"mme: {subtaskDir} has images/ but no questions_answers_YN/");
            foreach (string txt in Directory.GetFiles(qaDir, "*.txt").Order(StringComparer.Ordinal))
                items.AddRange(ReadQuestionPair(txt, subtask, root, imageDir));
        }
        if (items.Count == 0)
            throw new FileNotFoundException($"mme: no subtask folders with question .txt files in {root}");
        return items;
    }

    private static IEnumerable<BenchmarkItem> ReadQuestionPair(string txt, string subtask, string root, string imageDir)
    {
        string stem = Path.GetFileNameWithoutExtension(txt);
        string? image = ImageExtensions.Select(e => Path.Combine(imageDir, stem + e)).FirstOrDefault(File.Exists);
        if (image is null)
            throw new BenchmarkFormatException(txt, null, $"no image {stem}.png/.jpg next to it in {imageDir}");
        string relative = Path.GetRelativePath(root, image).Replace('\\', '/');

        var rows = new List<(string Question, string Answer, int Line)>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(txt, Encoding.UTF8))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0)
                continue;
            string[] parts = line.Split('\t');
            if (parts.Length != 2)
                throw new BenchmarkFormatException(txt, lineNumber,
                    $"expected 'question<TAB>Yes|No', found {parts.Length} tab-separated field(s)");
            if (parts[1] is not ("Yes" or "No"))
                throw new BenchmarkFormatException(txt, lineNumber, $"answer must be Yes or No, found \"{parts[1]}\"");
            rows.Add((parts[0], parts[1], lineNumber));
        }
        if (rows.Count != 2)
            throw new BenchmarkFormatException(txt, null, $"MME has two questions per image, found {rows.Count}");

        for (int k = 0; k < rows.Count; k++)
        {
            string bare = BareQuestion(rows[k].Question);
            yield return new BenchmarkItem
            {
                Id = QuestionId.FromString($"{relative}#{k}"),
                Category = subtask,
                Question = rows[k].Question,
                Prompt = Prompts.WithSuffix(bare, Prompts.ShortAnswer),
                Image = ImageSource.FromFile(image),
                ImageRelativePath = relative,
                GroundTruth = rows[k].Answer,
                Group = relative,
                SourceFile = txt,
                SourceLine = rows[k].Line,
            };
        }
    }

    /// <summary>The question without MME's " Please answer yes or no." (LLaVA replaces it with its own suffix).</summary>
    public static string BareQuestion(string question) => question.Replace(YesNoSuffix, "").Trim();

    /// <summary>Per-subtask MME numbers.</summary>
    public sealed record SubtaskScore(string Subtask, int Questions, int Correct, int Images, int ImagesBothCorrect,
        int OtherAnswers)
    {
        public double Accuracy => Questions == 0 ? 0 : (double)Correct / Questions;
        public double AccuracyPlus => Images == 0 ? 0 : (double)ImagesBothCorrect / Images;
        public double Score => Accuracy * 100 + AccuracyPlus * 100;
    }

    /// <summary>Finds each item's answer: by id, else (LLaVA answer files) by image path + question text.</summary>
    private static Dictionary<QuestionId, AnswerRecord> MatchAnswers(IReadOnlyList<BenchmarkItem> items,
        IReadOnlyList<AnswerRecord> answers, out int unmatched)
    {
        var ids = items.Select(i => i.Id).ToHashSet();
        var byText = new Dictionary<(string, string), QuestionId>();
        foreach (BenchmarkItem i in items)
            byText[(i.ImageRelativePath!, BareQuestion(i.Question))] = i.Id;

        var map = new Dictionary<QuestionId, AnswerRecord>();
        unmatched = 0;
        foreach (AnswerRecord a in answers)
        {
            QuestionId id = a.QuestionId;
            if (!ids.Contains(id))
            {
                string question = BareQuestion(Prompts.StripSuffix(a.Prompt.Replace("<image>", "").Trim(), Prompts.ShortAnswer));
                if (!byText.TryGetValue((a.QuestionId.Text, question), out id))
                {
                    unmatched++;
                    continue;
                }
            }
            if (!map.TryAdd(id, a))
                throw new ArgumentException($"MME question {id} has two answers (lines {map[id].LineNumber} and {a.LineNumber})");
        }
        return map;
    }

    public IReadOnlyList<SubtaskScore> ScoreSubtasks(IReadOnlyList<BenchmarkItem> items,
        IReadOnlyList<AnswerRecord> answers, out int missing, out int unmatched)
    {
        var byId = MatchAnswers(items, answers, out unmatched);
        missing = 0;
        var result = new List<SubtaskScore>();
        foreach (var subtask in items.GroupBy(i => i.Category))
        {
            int questions = 0, correct = 0, images = 0, both = 0, other = 0;
            foreach (var image in subtask.GroupBy(i => i.Group))
            {
                var pair = image.ToList();
                if (pair.Any(i => !byId.ContainsKey(i.Id)))
                {
                    missing += pair.Count(i => !byId.ContainsKey(i.Id));
                    continue;
                }
                images++;
                int right = 0;
                foreach (BenchmarkItem i in pair)
                {
                    string parsed = MmeAnswerParser.Parse(byId[i.Id].Text);
                    questions++;
                    if (parsed == MmeAnswerParser.Other) other++;
                    if (parsed == i.GroundTruth!.ToLowerInvariant()) right++;
                }
                correct += right;
                if (right == pair.Count) both++;
            }
            result.Add(new SubtaskScore(subtask.Key, questions, correct, images, both, other));
        }
        return result;
    }

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers)
    {
        var subtasks = ScoreSubtasks(items, answers, out int missing, out int unmatched);
        var byId = MatchAnswers(items, answers, out _);
        var perCategory = subtasks.ToDictionary(s => s.Subtask, s => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["score"] = s.Score, ["acc"] = s.Accuracy, ["acc_plus"] = s.AccuracyPlus, ["questions"] = s.Questions,
            ["images"] = s.Images, ["other"] = s.OtherAnswers,
        });
        double perception = subtasks.Where(s => PerceptionSubtasks.Contains(s.Subtask)).Sum(s => s.Score);
        double cognition = subtasks.Where(s => CognitionSubtasks.Contains(s.Subtask)).Sum(s => s.Score);
        int questions = subtasks.Sum(s => s.Questions);
        var scoredGroups = items.GroupBy(i => i.Group).Where(g => g.All(i => byId.ContainsKey(i.Id)))
            .SelectMany(g => g).ToList();
        return new BenchmarkScore
        {
            Benchmark = Name,
            Overall = new Dictionary<string, double>
            {
                ["perception"] = perception, ["cognition"] = cognition, ["total"] = perception + cognition,
                ["accuracy"] = questions == 0 ? 0 : (double)subtasks.Sum(s => s.Correct) / questions,
                ["questions"] = questions,
            },
            PerCategory = perCategory,
            // Paired statistics per question; MME's own score also rewards both-right pairs (acc+).
            Outcomes = scoredGroups.Select(i => new ItemOutcome(i.Id.Text, i.Category,
                MmeAnswerParser.Parse(byId[i.Id].Text) == i.GroundTruth!.ToLowerInvariant())).ToList(),
            Answered = questions,
            Missing = missing,
            Unmatched = unmatched,
            Notes =
            [
                "questions paired by image (official: consecutive lines); images with a missing answer are left out",
                "subtasks missing from the data do not add to perception/cognition",
            ],
        };
    }

    /// <summary>
    /// Writes <c>eval_tool/answers/{experiment}/{subtask}.txt</c> like LLaVA's <c>convert_answer_to_mme.py</c>: lines
    /// <c>{stem}.txt \t question (with "Please answer yes or no.") \t Yes|No \t prediction</c>, the two questions of
    /// an image on consecutive lines, ready for <c>calculation.py --results_dir</c>. Tabs and newlines inside a
    /// prediction become spaces (the official converter would corrupt the row).
    /// </summary>
    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName)
    {
        var byId = MatchAnswers(items, answers, out _);
        string dir = Path.Combine(outputDirectory, "eval_tool", "answers", experimentName);
        var written = new List<string>();
        foreach (var subtask in items.GroupBy(i => i.Category))
        {
            var sb = new StringBuilder();
            foreach (var image in subtask.GroupBy(i => i.Group))
            {
                if (image.Any(i => !byId.ContainsKey(i.Id)))
                    continue;
                foreach (BenchmarkItem i in image)
                {
                    string stem = Path.GetFileNameWithoutExtension(i.ImageRelativePath!) + ".txt";
                    string prediction = byId[i.Id].Text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
                    sb.Append(stem).Append('\t').Append(i.Question).Append('\t').Append(i.GroundTruth).Append('\t')
                      .Append(prediction).Append('\n');
                }
            }
            string path = Path.Combine(dir, subtask.Key + ".txt");
            AtomicFile.WriteAllText(path, sb.ToString());
            written.Add(path);
        }
        return written;
    }

    /// <summary>
    /// Writes a question file in the shape of LLaVA's <c>llava_mme.jsonl</c> (id = image path, so both questions of
    /// an image share it) for running LLaVA's own scripts; our runs use <see cref="BenchmarkItem.ToQuestionRecord"/>.
    /// </summary>
    public static void WriteLlavaQuestionFile(string path, IReadOnlyList<BenchmarkItem> items) =>
        QuestionFile.Write(path, items.Select(i => new QuestionRecord
        {
            QuestionId = QuestionId.FromString(i.ImageRelativePath!),
            Image = i.ImageRelativePath!,
            Text = i.Prompt,
            Category = i.Category,
        }));
}
