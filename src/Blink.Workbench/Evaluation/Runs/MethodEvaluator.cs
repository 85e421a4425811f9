using System.Globalization;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Methods;

namespace Blink.Workbench.Evaluation.Runs;

/// <summary>Where one method stands while answering.</summary>
public sealed record EvaluationProgress(string Method, int Done, int Total);

/// <summary>
/// Runs methods over a benchmark's items, writing LLaVA answer files (resumable: answered questions are skipped after a
/// restart; shardable with num-chunks/chunk-idx), then scores them and compares every method with the baseline on the
/// same items: accuracy with its interval, the paired difference with a bootstrap 95% CI and McNemar's test, and cost
/// (tokens processed summed over layers, prefill time, expansions per question).
/// </summary>
public sealed class MethodEvaluator(MethodRunner runner)
{
    public const string AnswersFolder = "answers";

    public static string AnswerPath(EvaluationOptions o, string method) => Path.Combine(o.OutputDirectory, AnswersFolder,
        o.NumChunks == 1 ? $"{method}.jsonl" : $"{method}.chunk{o.ChunkIndex}of{o.NumChunks}.jsonl");

    /// <summary>Answers every (remaining) question of this shard with every method.</summary>
    public void Answer(IBenchmark benchmark, IReadOnlyList<BenchmarkItem> items, IReadOnlyList<MethodSpec> methods, EvaluationOptions options,
        IProgress<EvaluationProgress>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        runner.Validate(methods);
        if (methods.Any(m => m.UsesGroundTruth) && items.Any(i => i.Evidence is null))
            throw new ArgumentException($"{string.Join(", ", methods.Where(m => m.UsesGroundTruth).Select(m => m.Name))} need evidence boxes, which {benchmark.Name} does not provide.");
        Directory.CreateDirectory(Path.Combine(options.OutputDirectory, AnswersFolder));
        var index = IndexById(items);
        if (methods.Any(m => m.UsesGroundTruth)) CheckEvidenceBoxes(Chunking.GetChunk(items, options.NumChunks, options.ChunkIndex));
        // Every answer file is checked before any is extended, so a refused run changes nothing.
        foreach (var method in methods)
            RunIdentity.For(method, runner, benchmark).CheckOrRecord(AnswerPath(options, method.Name));
        foreach (var method in methods)
        {
            var path = AnswerPath(options, method.Name);
            using var writer = AnswerFileWriter.Open(path, runner.Bundle.ModelId, method.Name);
            CheckAnsweredQuestions(benchmark, Chunking.GetChunk(items, options.NumChunks, options.ChunkIndex), path, writer);
            BenchmarkRun.AnswerAll(items, writer, item =>
            {
                using var image = DecodeImage(item);
                var candidates = benchmark.CandidateAnswers(item);
                var answer = runner.Answer(method, new MethodInput(image, item.Prompt, index[item.Id], item.Evidence, candidates));
                var metadata = Metadata(answer);
                metadata[RunIdentity.QuestionDigestKey] = RunIdentity.QuestionDigest(item, candidates);
                return new ModelAnswer(answer.Text, metadata);
            }, options.NumChunks, options.ChunkIndex, new Progress(progress, method.Name), ct);
        }
    }

    /// <summary>Each item's position by id; a repeated question_id is refused with both places (checkable before any model loads).</summary>
    public static Dictionary<QuestionId, int> IndexById(IReadOnlyList<BenchmarkItem> items)
    {
        var index = new Dictionary<QuestionId, int>();
        for (var i = 0; i < items.Count; i++)
            if (!index.TryAdd(items[i].Id, i))
                throw new BenchmarkFormatException(items[i].SourceFile, items[i].SourceLine,
                    $"question_id {items[i].Id} appears twice (first at {items[index[items[i].Id]].SourceFile}:{items[index[items[i].Id]].SourceLine})");
        return index;
    }

    /// <summary>
    /// The methods whose answer files in the output folder were made with other inputs than this run (empty when all
    /// may be resumed); lets a caller move to a fresh folder instead of failing.
    /// </summary>
    public static IReadOnlyList<RunIdentityMismatchException> Mismatches(MethodRunner runner, IBenchmark benchmark, IReadOnlyList<MethodSpec> methods, EvaluationOptions options)
    {
        var found = new List<RunIdentityMismatchException>();
        foreach (var method in methods)
        {
            var path = AnswerPath(options, method.Name);
            var earlier = RunIdentity.TryRead(path);
            var hasAnswers = File.Exists(path) && new FileInfo(path).Length > 0;
            if (!hasAnswers) continue;
            var differences = earlier is null ? ["(no identity file)"] : RunIdentity.For(method, runner, benchmark).DifferencesFrom(earlier);
            if (differences.Count > 0) found.Add(new RunIdentityMismatchException(path, differences, $"{path}: {string.Join("; ", differences)}"));
        }
        return found;
    }

    /// <summary>
    /// Every evidence box must lie inside its image (methods that crop it would otherwise fail mid-run, far from the
    /// line that is wrong); reads only the image headers.
    /// </summary>
    public static void CheckEvidenceBoxes(IEnumerable<BenchmarkItem> items)
    {
        foreach (var item in items)
        {
            if (item.Evidence is not { } box) continue;
            var (width, height) = Imaging.ImageLoader.ReadSize(item.Image.ReadBytes(), item.Image.Describe());
            const double slack = 0.5; // rounding of boxes drawn on pixel centres
            if (box.X0 < -slack || box.Y0 < -slack || box.X1 > width + slack || box.Y1 > height + slack)
                throw new BenchmarkFormatException(item.SourceFile, item.SourceLine,
                    $"question {item.Id}: evidence box [{box.X0:G}, {box.Y0:G}, {box.X1:G}, {box.Y1:G}] is not inside its {width}x{height} image {item.Image.Describe()}");
        }
    }

    /// <summary>An answer kept from an earlier run must be to the same question: same prompt, image, candidates and box.</summary>
    private static void CheckAnsweredQuestions(IBenchmark benchmark, IReadOnlyList<BenchmarkItem> shard, string path, AnswerFileWriter writer)
    {
        if (writer.AnsweredIds.Count == 0) return;
        var digests = AnswerFile.Read(path).ToDictionary(a => a.QuestionId, a =>
            (Digest: a.Metadata.TryGetPropertyValue(RunIdentity.QuestionDigestKey, out var d) && d is JsonValue v && v.TryGetValue(out string? s) ? s : null, a.LineNumber));
        var changed = new List<string>();
        foreach (var item in shard)
        {
            if (!digests.TryGetValue(item.Id, out var earlier)) continue;
            if (earlier.Digest != RunIdentity.QuestionDigest(item, benchmark.CandidateAnswers(item)))
                changed.Add($"{item.Id} (line {earlier.LineNumber}{(earlier.Digest is null ? ", no digest" : "")})");
        }
        if (changed.Count > 0)
            throw new RunIdentityMismatchException(path, changed.Select(c => "question " + c).ToList(),
                $"{path}: {changed.Count} answered question(s) differ from the ones in the data now (prompt, image, candidate answers or evidence box): " +
                $"{string.Join(", ", changed.Take(5))}{(changed.Count > 5 ? ", …" : "")}. Choose another --out, pass --new-run, or delete the file to start over.");
    }

    /// <summary>Merges chunk answer files of every method (after all shards ran).</summary>
    public static void Merge(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<MethodSpec> methods, EvaluationOptions options)
    {
        var order = items.Select(i => i.Id).Distinct().ToArray();
        foreach (var method in methods)
        {
            var shards = Enumerable.Range(0, options.NumChunks).Select(c => AnswerPath(options with { ChunkIndex = c }, method.Name)).ToArray();
            var absent = shards.Where(s => !File.Exists(s)).ToArray();
            if (absent.Length > 0) throw new FileNotFoundException($"Cannot merge {method.Name}: missing shard(s) {string.Join(", ", absent)}.");
            // Shards of one method must come from one configuration; the merged file inherits it.
            var identities = shards.Select(RunIdentity.TryRead).ToArray();
            var merged = AnswerPath(options with { NumChunks = 1, ChunkIndex = 0 }, method.Name);
            if (identities.FirstOrDefault(i => i is not null) is { } first)
            {
                for (var c = 0; c < shards.Length; c++)
                {
                    var differences = identities[c] is { } other ? other.DifferencesFrom(first) : ["(no identity file)"];
                    if (differences.Count > 0)
                        throw new RunIdentityMismatchException(shards[c], differences,
                            $"Cannot merge {method.Name}: {shards[c]} was answered with other inputs than {shards[Array.IndexOf(identities, first)]}:\n  {string.Join("\n  ", differences)}");
                }
            }
            AnswerFile.MergeShards(shards, order, merged);
            if (identities[0] is { } identity) identity.Write(merged);
        }
    }

    /// <summary>Scores the merged answer files and writes results.{md,csv,json} plus each method's official files.</summary>
    public static ResultsTable Score(IBenchmark benchmark, IReadOnlyList<BenchmarkItem> items, IReadOnlyList<MethodSpec> methods, EvaluationOptions options) =>
        ScoreAll(benchmark, items, methods, options).Results;

    /// <summary>
    /// Like <see cref="Score"/>, and also writes metrics.{md,json}: each method's official headline numbers (MME
    /// scores, POPE F1, MMBench circular accuracy, …), the ones a paper's table reports.
    /// </summary>
    public static EvaluationReport ScoreAll(IBenchmark benchmark, IReadOnlyList<BenchmarkItem> items, IReadOnlyList<MethodSpec> methods, EvaluationOptions options)
    {
        var baseline = methods.Any(m => m.Name == options.Baseline) ? options.Baseline : null;
        var table = new ResultsTable(benchmark.Name, baseline, options.BootstrapResamples, options.Seed);
        var metrics = new BenchmarkMetricsTable(benchmark.Name);
        var paths = methods.Select(m => AnswerPath(options with { NumChunks = 1, ChunkIndex = 0 }, m.Name)).ToList();
        foreach (var (method, path) in methods.Zip(paths))
            if (!File.Exists(path)) throw new FileNotFoundException($"No answers for {method.Name} at {path} (run the answering step, or merge the shards).", path);
        // A partial run is scored on the questions every method answered, so accuracy, Δ and costs share one denominator.
        var answeredByAll = paths.Select(p => AnswerFile.ReadUnique(p).Select(a => a.QuestionId).ToHashSet())
            .Aggregate(items.Select(i => i.Id).ToHashSet(), (common, ids) => { common.IntersectWith(ids); return common; });
        var scored = answeredByAll;
        if (answeredByAll.Count == 0)
            throw new InvalidDataException($"No question of the {items.Count} is answered by every method ({string.Join(", ", methods.Select(m => m.Name))}) in {Path.Combine(options.OutputDirectory, AnswersFolder)}; finish the answering step first.");
        if (answeredByAll.Count < items.Count)
        {
            table.Note = $"partial run: scored on the {answeredByAll.Count} of {items.Count} questions that every method has answered";
            items = items.Where(i => answeredByAll.Contains(i.Id)).ToList();
        }
        foreach (var (method, path) in methods.Zip(paths))
        {
            // Answers to questions outside this item set (an earlier run without --limit) must not enter any column.
            var answers = AnswerFile.ReadUnique(path).Where(a => scored.Contains(a.QuestionId)).ToList();
            foreach (var a in answers.Where(a => a.Method is not null && a.Method != method.Name))
                throw new InvalidDataException($"{path}:{a.LineNumber}: answer written by method '{a.Method}', expected '{method.Name}'.");
            var score = benchmark.Score(items, answers);
            var official = Path.Combine(options.OutputDirectory, "official", method.Name);
            benchmark.WriteOfficialFiles(items, answers, official, method.Name);
            table.Add(method.Name, score.Outcomes, Costs(answers), Metrics(answers, method));
            metrics.Add(method.Name, score);
        }
        table.WriteAll(options.OutputDirectory, "results");
        metrics.WriteAll(options.OutputDirectory, "metrics");
        return new EvaluationReport(table, metrics);
    }

    /// <summary>A broken or missing image is a data problem: name the question file and line that point to it.</summary>
    private static SkiaSharp.SKBitmap DecodeImage(BenchmarkItem item)
    {
        try
        {
            return item.Image.Decode();
        }
        catch (IOException e)
        {
            throw new BenchmarkFormatException(item.SourceFile, item.SourceLine,
                $"question {item.Id}: {e.Message}", e);
        }
    }

    private static JsonObject Metadata(MethodAnswer answer)
    {
        var meta = new JsonObject
        {
            ["tokens_total"] = answer.TokensPerLayer.Sum(),
            ["tokens_per_layer"] = new JsonArray(answer.TokensPerLayer.Select(t => (JsonNode)t).ToArray()),
            ["prefill_ms"] = Math.Round(answer.PrefillTime.TotalMilliseconds, 3),
        };
        if (answer.ChoiceIndex is { } c) meta["choice_index"] = c;
        if (answer.Trace is { } trace)
        {
            meta["expansions"] = trace.Expansions;
            meta["drops"] = trace.Drops;
            meta["trace"] = trace.ToString();
        }
        return meta;
    }

    private static Dictionary<string, double> Costs(IReadOnlyList<AnswerRecord> answers) => new()
    {
        ["tokens_total"] = Mean(answers, "tokens_total"),
        ["prefill_ms"] = Mean(answers, "prefill_ms"),
    };

    private static Dictionary<string, double> Metrics(IReadOnlyList<AnswerRecord> answers, MethodSpec method) =>
        method.Kind == MethodKind.Blink
            ? new() { ["expansions_per_question"] = Mean(answers, "expansions"), ["drops_per_question"] = Mean(answers, "drops") }
            : new();

    private static double Mean(IReadOnlyList<AnswerRecord> answers, string key)
    {
        var values = answers.Select(a => a.Metadata.TryGetPropertyValue(key, out var n) && n is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN)
            .Where(d => !double.IsNaN(d)).ToArray();
        return values.Length == 0 ? double.NaN : values.Average();
    }

    private sealed class Progress(IProgress<EvaluationProgress>? inner, string method) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => inner?.Report(new EvaluationProgress(method, value.Done, value.Total));
    }
}
