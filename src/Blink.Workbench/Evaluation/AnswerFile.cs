using Blink.Workbench.IO;
using System.Text;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// Reads, writes and merges LLaVA answer files (JSON lines, one <see cref="AnswerRecord"/> per line).
/// Appending with resume lives in <see cref="AnswerFileWriter"/>.
/// </summary>
public static class AnswerFile
{
    /// <summary>The <c>metadata</c> key that names the inference method.</summary>
    public const string MethodKey = "method";

    private static readonly HashSet<string> KnownKeys =
        ["question_id", "prompt", "text", "answer_id", "model_id", "metadata"];

    /// <summary>
    /// Reads a complete answer file. Only <c>question_id</c> and <c>text</c> are required, so answer files from
    /// LLaVA's own scripts (and older variants without <c>metadata</c>) read fine.
    /// </summary>
    public static IReadOnlyList<AnswerRecord> Read(string path) =>
        JsonLines.ReadObjects(path).Select(l => Parse(l.Object, path, l.LineNumber)).ToList();

    /// <summary>Reads a file and checks that no question id appears twice (file and both lines in the error).</summary>
    public static IReadOnlyList<AnswerRecord> ReadUnique(string path)
    {
        IReadOnlyList<AnswerRecord> records = Read(path);
        var seen = new Dictionary<QuestionId, int>();
        foreach (AnswerRecord r in records)
        {
            if (!seen.TryAdd(r.QuestionId, r.LineNumber))
                throw new BenchmarkFormatException(path, r.LineNumber,
                    $"question_id {r.QuestionId} answered twice (first on line {seen[r.QuestionId]})");
        }
        return records;
    }

    public static AnswerRecord Parse(JsonObject obj, string path, int line)
    {
        var extras = new JsonObject();
        foreach ((string key, JsonNode? value) in obj)
            if (!KnownKeys.Contains(key))
                extras[key] = value?.DeepClone();

        JsonObject metadata = new();
        if (obj.TryGetPropertyValue("metadata", out JsonNode? meta) && meta is not null)
            metadata = meta as JsonObject ?? throw JsonLines.WrongType("metadata", "an object", meta, path, line);

        return new AnswerRecord
        {
            QuestionId = JsonLines.RequireQuestionId(obj, "question_id", path, line),
            Prompt = JsonLines.OptionalString(obj, "prompt", path, line) ?? "",
            Text = JsonLines.RequireString(obj, "text", path, line),
            AnswerId = JsonLines.OptionalString(obj, "answer_id", path, line) ?? "",
            ModelId = JsonLines.OptionalString(obj, "model_id", path, line) ?? "",
            Metadata = (JsonObject)metadata.DeepClone(),
            Extras = extras,
            LineNumber = line,
        };
    }

    public static JsonObject ToJson(AnswerRecord r)
    {
        var obj = new JsonObject
        {
            ["question_id"] = r.QuestionId.ToJson(),
            ["prompt"] = r.Prompt,
            ["text"] = r.Text,
            ["answer_id"] = r.AnswerId,
            ["model_id"] = r.ModelId,
            ["metadata"] = r.Metadata.DeepClone(),
        };
        foreach ((string key, JsonNode? value) in r.Extras)
            obj[key] = value?.DeepClone();
        return obj;
    }

    /// <summary>Writes a whole answer file atomically (for merges and conversions; runs use the writer).</summary>
    public static void Write(string path, IEnumerable<AnswerRecord> records)
    {
        var sb = new StringBuilder();
        foreach (AnswerRecord r in records)
            sb.Append(JsonLines.Serialize(ToJson(r))).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>
    /// Merges shard answer files (LLaVA: one per <c>--chunk-idx</c>, then <c>cat</c>) into one file in question order,
    /// checking that every question is answered exactly once: an id answered twice (in one shard or across shards),
    /// an answer to an unknown question and an unanswered question are all errors naming the files involved.
    /// </summary>
    /// <param name="shardPaths">The shard files, in any order.</param>
    /// <param name="questionOrder">Question ids in the order the merged file should have (the question file order).</param>
    /// <param name="outputPath">Where to write the merged file; null to only merge in memory.</param>
    public static IReadOnlyList<AnswerRecord> MergeShards(
        IReadOnlyList<string> shardPaths, IReadOnlyList<QuestionId> questionOrder, string? outputPath)
    {
        var position = new Dictionary<QuestionId, int>();
        for (int i = 0; i < questionOrder.Count; i++)
            if (!position.TryAdd(questionOrder[i], i))
                throw new ArgumentException($"question order lists {questionOrder[i]} twice; ids must be unique to merge");

        var byQuestion = new (AnswerRecord Record, string Path)?[questionOrder.Count];
        foreach (string shard in shardPaths)
        {
            foreach (AnswerRecord r in Read(shard))
            {
                if (!position.TryGetValue(r.QuestionId, out int index))
                    throw new BenchmarkFormatException(shard, r.LineNumber,
                        $"question_id {r.QuestionId} is not in the question list");
                if (byQuestion[index] is { } earlier)
                    throw new BenchmarkFormatException(shard, r.LineNumber,
                        $"question_id {r.QuestionId} is answered twice (also {earlier.Path}:{earlier.Record.LineNumber})");
                byQuestion[index] = (r, shard);
            }
        }

        var missing = new List<QuestionId>();
        for (int i = 0; i < byQuestion.Length; i++)
            if (byQuestion[i] is null)
                missing.Add(questionOrder[i]);
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"merging {shardPaths.Count} shard(s) ({string.Join(", ", shardPaths)}): {missing.Count} of " +
                $"{questionOrder.Count} questions have no answer, first: {string.Join(", ", missing.Take(5))}");

        var merged = byQuestion.Select(x => x!.Value.Record with { LineNumber = 0 }).ToList();
        if (outputPath is not null)
            Write(outputPath, merged);
        return merged;
    }
}
