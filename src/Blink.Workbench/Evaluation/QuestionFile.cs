using Blink.Workbench.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// Reads and writes LLaVA question files (JSON lines <c>{"question_id","image","text","category", ...}</c>), the input
/// of <c>llava/eval/model_vqa_loader.py</c>. Reading validates every line and names file and line on the first error.
/// </summary>
public static class QuestionFile
{
    private static readonly HashSet<string> KnownKeys =
        ["question_id", "image", "text", "category", "answer", "choices", "evidence_box"];

    /// <summary>
    /// Reads and validates a question file. Duplicate ids are an error unless <paramref name="allowDuplicateIds"/>:
    /// LLaVA's own <c>llava_mme.jsonl</c> reuses the image path as id for both questions of an image, so MME needs it.
    /// </summary>
    public static IReadOnlyList<QuestionRecord> Read(string path, bool allowDuplicateIds = false)
    {
        var records = new List<QuestionRecord>();
        var seen = new Dictionary<QuestionId, int>();
        foreach (JsonLines.Line line in JsonLines.ReadObjects(path))
        {
            QuestionRecord record = Parse(line.Object, path, line.LineNumber);
            if (!allowDuplicateIds)
            {
                if (seen.TryGetValue(record.QuestionId, out int first))
                    throw new BenchmarkFormatException(path, line.LineNumber,
                        $"duplicate question_id {record.QuestionId} (first seen on line {first})");
                seen[record.QuestionId] = line.LineNumber;
            }
            records.Add(record);
        }
        return records;
    }

    /// <summary>Parses one question object; public so other readers (shards, fixtures) share the validation.</summary>
    public static QuestionRecord Parse(JsonObject obj, string path, int line)
    {
        var extras = new JsonObject();
        foreach ((string key, JsonNode? value) in obj)
            if (!KnownKeys.Contains(key))
                extras[key] = value?.DeepClone();

        return new QuestionRecord
        {
            QuestionId = JsonLines.RequireQuestionId(obj, "question_id", path, line),
            Image = JsonLines.RequireString(obj, "image", path, line),
            Text = JsonLines.RequireString(obj, "text", path, line),
            Category = JsonLines.RequireString(obj, "category", path, line),
            Answer = JsonLines.OptionalString(obj, "answer", path, line),
            Choices = ReadChoices(obj, path, line),
            EvidenceBox = ReadEvidenceBox(obj, path, line),
            Extras = extras,
            LineNumber = line,
        };
    }

    /// <summary>Writes records as JSON lines (atomically: a reader never sees half a file).</summary>
    public static void Write(string path, IEnumerable<QuestionRecord> records)
    {
        var sb = new StringBuilder();
        foreach (QuestionRecord r in records)
            sb.Append(JsonLines.Serialize(ToJson(r))).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static JsonObject ToJson(QuestionRecord r)
    {
        var obj = new JsonObject
        {
            ["question_id"] = r.QuestionId.ToJson(),
            ["image"] = r.Image,
            ["text"] = r.Text,
            ["category"] = r.Category,
        };
        if (r.Answer is not null)
            obj["answer"] = r.Answer;
        if (r.Choices is not null)
            obj["choices"] = new JsonArray(r.Choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        if (r.EvidenceBox is { } b)
            obj["evidence_box"] = new JsonArray(b.X0, b.Y0, b.X1, b.Y1);
        foreach ((string key, JsonNode? value) in r.Extras)
            obj[key] = value?.DeepClone();
        return obj;
    }

    /// <summary>
    /// Checks that every record's image exists under <paramref name="imageFolder"/> and, if <paramref name="decode"/>,
    /// that it decodes. Returns one error per bad record (file and line of the question), empty when all are fine.
    /// </summary>
    public static IReadOnlyList<BenchmarkFormatException> CheckImages(
        string questionFilePath, IEnumerable<QuestionRecord> records, string imageFolder, bool decode)
    {
        var problems = new List<BenchmarkFormatException>();
        var checkedImages = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (QuestionRecord r in records)
        {
            string full = Path.Combine(imageFolder, r.Image);
            if (!checkedImages.TryGetValue(full, out string? problem))
            {
                problem = !File.Exists(full) ? $"image not found: {full}"
                    : decode && !CanDecode(full) ? $"image does not decode: {full}"
                    : null;
                checkedImages[full] = problem;
            }
            if (problem is not null)
                problems.Add(new BenchmarkFormatException(questionFilePath, r.LineNumber,
                    $"question_id {r.QuestionId}: {problem}"));
        }
        return problems;
    }

    private static IReadOnlyList<string>? ReadChoices(JsonObject obj, string path, int line)
    {
        if (!obj.TryGetPropertyValue("choices", out JsonNode? node) || node is null)
            return null;
        if (node is not JsonArray array)
            throw JsonLines.WrongType("choices", "an array of strings", node, path, line);
        var choices = new List<string>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                choices.Add(v.GetValue<string>());
            else
                throw JsonLines.WrongType($"choices[{i}]", "a string", array[i], path, line);
        }
        return choices;
    }

    private static EvidenceBox? ReadEvidenceBox(JsonObject obj, string path, int line)
    {
        if (!obj.TryGetPropertyValue("evidence_box", out JsonNode? node) || node is null)
            return null;
        if (node is not JsonArray { Count: 4 } array)
            throw JsonLines.WrongType("evidence_box", "an array of 4 numbers [x0,y0,x1,y1]", node, path, line);
        var v = new double[4];
        for (int i = 0; i < 4; i++)
        {
            if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
                v[i] = value.GetValue<double>();
            else
                throw JsonLines.WrongType($"evidence_box[{i}]", "a number", array[i], path, line);
        }
        if (v[2] < v[0] || v[3] < v[1])
            throw new BenchmarkFormatException(path, line,
                $"evidence_box [{v[0]}, {v[1]}, {v[2]}, {v[3]}] must satisfy x0 <= x1 and y0 <= y1");
        return new EvidenceBox(v[0], v[1], v[2], v[3]);
    }

    private static bool CanDecode(string path)
    {
        try
        {
            using var bitmap = Imaging.ImageLoader.Load(path);
            return true;
        }
        catch (Imaging.ImageLoadException)
        {
            return false;
        }
    }
}
