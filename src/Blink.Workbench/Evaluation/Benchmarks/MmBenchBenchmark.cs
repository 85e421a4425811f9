using Blink.Workbench.IO;
using System.Globalization;
using System.Text;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// MMBench / MMBench-CN (multiple choice, 2–5 options, circular evaluation).
/// </summary>
/// <remarks>
/// Data folder: one MMBench TSV (<c>index, question, hint, A, B, C, D, (E), answer, category, l2-category, image
/// (base64), …</c>); with several TSVs, the English benchmark takes the one without "cn" in its name and MMBench-CN the
/// one with it. Options are read from A to E until the first missing cell (empty, NaN, "none", pandas' NA strings);
/// LLaVA's <c>model_vqa_mmbench.py</c> reads only A–D.
/// <para>Prompt as LLaVA builds it: <c>hint + "\n" + question</c> (no hint → just the question), then
/// <c>"\nA. option"</c> per option, then <c>"\n" + suffix</c> (English or Chinese).</para>
/// <para>Circular evaluation: if the TSV already holds the shifted copies (index ≥ 1,000,000, as the 20230712 dev TSV)
/// each row is an item; otherwise we generate them like LLaVA's <c>--all-rounds</c>: round r shows
/// <c>options[r:] + options[:r]</c>, and its id is <c>index + r·1,000,000</c> so every round has its own answer line.
/// Rows are grouped by <c>index % 1,000,000</c>; a question counts only if every round is right.
/// Letters are extracted by <see cref="MmBenchAnswerExtractor"/> (rules only, no ChatGPT stage).</para>
/// </remarks>
public sealed class MmBenchBenchmark : IBenchmark
{
    public const long RoundStride = 1_000_000;

    public MmBenchBenchmark(bool chinese, bool circular = true)
    {
        Chinese = chinese;
        Circular = circular;
    }

    public bool Chinese { get; }
    public bool Circular { get; }

    public string Name => Chinese ? "mmbench-cn" : "mmbench";

    public string Description =>
        $"MMBench{(Chinese ? "-CN" : "")}: one .tsv (base64 images) in the folder; circular evaluation";

    public string Suffix => Chinese ? Prompts.MultipleChoiceChinese : Prompts.MultipleChoice;

    public IReadOnlyList<string>? CandidateAnswers(BenchmarkItem item) =>
        Prompts.OptionLetters.Take(item.Options?.Count ?? 0).ToList();

    /// <summary>The TSV this benchmark reads from <paramref name="dataDirectory"/>.</summary>
    public string FindTsv(string dataDirectory)
    {
        DataFolder.RequireDirectory(dataDirectory, Name);
        string[] all = Directory.GetFiles(dataDirectory, "*.tsv").Order(StringComparer.Ordinal).ToArray();
        if (all.Length == 1)
            return all[0];
        string[] matching = all.Where(f => Path.GetFileName(f).Contains("cn", StringComparison.OrdinalIgnoreCase) == Chinese).ToArray();
        return matching.Length == 1
            ? matching[0]
            : throw new FileNotFoundException(
                $"{Name}: expected one MMBench .tsv{(all.Length > 1 ? (Chinese ? " with 'cn'" : " without 'cn'") : "")} in " +
                $"{dataDirectory}, found {(all.Length == 0 ? "none" : string.Join(", ", all.Select(Path.GetFileName)))}");
    }

    public IReadOnlyList<BenchmarkItem> Load(string dataDirectory) => LoadTsv(FindTsv(dataDirectory));

    public IReadOnlyList<BenchmarkItem> LoadTsv(string tsvPath)
    {
        TsvTable table = TsvTable.Read(tsvPath);
        foreach (string column in new[] { "index", "question", "A", "B", "image" })
            if (!table.HasColumn(column))
                throw new BenchmarkFormatException(tsvPath, 1,
                    $"missing column \"{column}\" (columns: {string.Join(", ", table.Columns)})");
        string[] letterColumns = Prompts.OptionLetters.Where(table.HasColumn).ToArray();

        var rows = new List<(long Index, TsvTable.Row Row)>();
        var imageByIndex = new Dictionary<long, string>();
        var seen = new Dictionary<long, int>();
        foreach (TsvTable.Row row in table.Rows)
        {
            string indexText = table.Require(row, "index");
            if (!long.TryParse(indexText, NumberStyles.Integer, CultureInfo.InvariantCulture, out long index) || index < 0)
                throw new BenchmarkFormatException(tsvPath, row.Line, $"index must be a non-negative integer, found \"{indexText}\"");
            if (!seen.TryAdd(index, row.Line))
                throw new BenchmarkFormatException(tsvPath, row.Line, $"index {index} appears twice (first on line {seen[index]})");
            rows.Add((index, row));
            imageByIndex[index] = table.Require(row, "image");
        }
        bool preRotated = rows.Any(r => r.Index >= RoundStride);

        var items = new List<BenchmarkItem>();
        foreach ((long index, TsvTable.Row row) in rows)
        {
            var options = new List<string>();
            foreach (string letter in letterColumns)
            {
                string? cell = table.Get(row, letter);
                if (TsvTable.IsMissing(cell))
                    break;
                options.Add(cell!);
            }
            if (options.Count < 2)
                throw new BenchmarkFormatException(tsvPath, row.Line, $"index {index}: needs at least options A and B");

            string? answer = table.Get(row, "answer");
            if (TsvTable.IsMissing(answer))
                answer = null;
            else if (Prompts.OptionLetters.Take(options.Count).All(l => l != answer))
                throw new BenchmarkFormatException(tsvPath, row.Line,
                    $"index {index}: answer \"{answer}\" is not one of the {options.Count} option letters");

            string image = imageByIndex[index];
            // Newer MMBench TSVs store a repeated image once and refer to it by the index of the row that holds it.
            if (image.Length <= 64 && long.TryParse(image, NumberStyles.Integer, CultureInfo.InvariantCulture, out long refIndex))
                image = imageByIndex.TryGetValue(refIndex, out string? referenced)
                    ? referenced
                    : throw new BenchmarkFormatException(tsvPath, row.Line, $"index {index}: image refers to missing index {refIndex}");

            string question = table.Require(row, "question");
            string? hint = table.Get(row, "hint");
            string category = TsvTable.IsMissing(table.Get(row, "category")) ? "default" : table.Get(row, "category")!;
            var attributes = new Dictionary<string, string> { ["index"] = index.ToString(CultureInfo.InvariantCulture) };
            if (!TsvTable.IsMissing(hint)) attributes["hint"] = hint!;
            if (!TsvTable.IsMissing(table.Get(row, "l2-category"))) attributes["l2-category"] = table.Get(row, "l2-category")!;
            if (preRotated) attributes["rotation"] = "tsv";

            int rounds = preRotated || !Circular ? 1 : options.Count;
            if (preRotated && !Circular && index >= RoundStride)
                continue;
            for (int r = 0; r < rounds; r++)
            {
                var shown = options.Skip(r).Concat(options.Take(r)).ToList();
                string? truth = answer is null
                    ? null
                    : Prompts.OptionLetters[(Prompts.OptionLetters.ToList().IndexOf(answer) - r + options.Count) % options.Count];
                long id = index + r * RoundStride;
                items.Add(new BenchmarkItem
                {
                    Id = QuestionId.FromNumber(id),
                    Category = category,
                    Question = question,
                    Prompt = BuildPrompt(TsvTable.IsMissing(hint) ? null : hint, question, shown, Suffix),
                    Image = ImageSource.FromBase64(image, $"{tsvPath}:{row.Line} (index {index})"),
                    GroundTruth = truth,
                    Options = shown,
                    Group = (id % RoundStride).ToString(CultureInfo.InvariantCulture),
                    RoundId = (int)(id / RoundStride),
                    Attributes = r == 0 ? attributes : new Dictionary<string, string>(attributes) { ["rotation"] = "generated" },
                    SourceFile = tsvPath,
                    SourceLine = row.Line,
                });
            }
        }
        return items;
    }

    /// <summary>LLaVA's MMBench prompt: hint, question, "A. option" lines, suffix, joined by newlines.</summary>
    public static string BuildPrompt(string? hint, string question, IReadOnlyList<string> options, string suffix)
    {
        var sb = new StringBuilder();
        if (hint is not null)
            sb.Append(hint).Append('\n');
        sb.Append(question);
        for (int i = 0; i < options.Count; i++)
            sb.Append('\n').Append(Prompts.OptionLetters[i]).Append(". ").Append(options[i]);
        return sb.Append('\n').Append(suffix).ToString();
    }

    public BenchmarkScore Score(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out int unmatched);
        int failed = 0;
        bool? Right(BenchmarkItem i)
        {
            if (!byId.TryGetValue(i.Id, out AnswerRecord? a) || i.GroundTruth is null)
                return null;
            string? letter = MmBenchAnswerExtractor.Extract(a.Text, i.Options!);
            if (letter is null) failed++;
            return letter == i.GroundTruth;
        }

        var outcomes = new List<ItemOutcome>();
        int missingItems = 0, singleRight = 0, singleN = 0;
        foreach (var group in items.GroupBy(i => i.Group!))
        {
            var results = group.Select(i => (Item: i, Right: Right(i))).ToList();
            missingItems += results.Count(r => r.Right is null);
            var first = results.FirstOrDefault(r => r.Item.RoundId == 0);
            if (first.Right is { } firstRight)
            {
                singleN++;
                if (firstRight) singleRight++;
            }
            if (results.Any(r => r.Right is null))
                continue;
            outcomes.Add(new ItemOutcome(group.Key, group.First().Category, results.All(r => r.Right == true)));
        }

        var perCategory = outcomes.GroupBy(o => o.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
            {
                ["circular_accuracy"] = g.Average(o => o.Correct ? 1.0 : 0.0), ["questions"] = g.Count(),
            });
        return new BenchmarkScore
        {
            Benchmark = Name,
            Overall = new Dictionary<string, double>
            {
                ["circular_accuracy"] = outcomes.Count == 0 ? 0 : outcomes.Average(o => o.Correct ? 1.0 : 0.0),
                ["single_pass_accuracy"] = singleN == 0 ? 0 : (double)singleRight / singleN,
                ["questions"] = outcomes.Count,
                ["unparsed_answers"] = failed,
            },
            PerCategory = perCategory,
            Outcomes = outcomes,
            Answered = items.Count - missingItems,
            Missing = missingItems,
            Unmatched = unmatched,
            Notes =
            [
                "circular: a question counts only if all its rounds are right; questions with a missing round are left out",
                "letters extracted by rules only (official pipeline adds a ChatGPT extraction stage)",
            ],
        };
    }

    /// <summary>
    /// Writes the submission as <c>{experiment}.xlsx</c> (and the same table as <c>{experiment}.tsv</c>): one row per
    /// TSV row with <c>index, question, A…E, prediction, answer, category, l2-category</c> — LLaVA's
    /// <c>convert_mmbench_for_submission.py</c> columns plus category columns. For generated rotations only the
    /// original-order answer goes in (the TSV has no rows for the others).
    /// </summary>
    public IReadOnlyList<string> WriteOfficialFiles(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<AnswerRecord> answers,
        string outputDirectory, string experimentName)
    {
        var byId = AnswerMatching.ByQuestion(items, answers, out _);
        var rows = items.Where(i => i.Attributes.GetValueOrDefault("rotation") != "generated").ToList();
        int letters = rows.Count == 0 ? 4 : Math.Max(4, rows.Max(i => i.Options!.Count));
        var header = new List<string> { "index", "question" };
        header.AddRange(Prompts.OptionLetters.Take(letters));
        header.AddRange(["prediction", "answer", "category", "l2-category"]);
        var table = rows.Select(i =>
        {
            var cells = new List<object?> { i.Id.ToInt64(), i.Question };
            cells.AddRange(Enumerable.Range(0, letters).Select(k => k < i.Options!.Count ? i.Options[k] : null));
            cells.Add(byId.TryGetValue(i.Id, out AnswerRecord? a) ? a.Text : null);
            cells.Add(i.GroundTruth);
            cells.Add(i.Category);
            cells.Add(i.Attributes.GetValueOrDefault("l2-category"));
            return (IReadOnlyList<object?>)cells;
        }).ToList();

        string xlsx = Path.Combine(outputDirectory, experimentName + ".xlsx");
        string tsv = Path.Combine(outputDirectory, experimentName + ".tsv");
        SubmissionSpreadsheet.Write(xlsx, header, table);
        var sb = new StringBuilder();
        sb.Append(string.Join('\t', header)).Append('\n');
        foreach (var cells in table)
            sb.Append(string.Join('\t', cells.Select(TsvCell))).Append('\n');
        AtomicFile.WriteAllText(tsv, sb.ToString());
        return [xlsx, tsv];
    }

    private static string TsvCell(object? value)
    {
        string s = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return s.IndexOfAny(['\t', '\n', '\r', '"']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
