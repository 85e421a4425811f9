using System.Text.Json;
using Blink.Workbench.Imaging;
using SkiaSharp;

namespace Blink.Workbench.Data.Testbed;

/// <summary>A question read from a question file, with where it came from (for error messages).</summary>
public sealed record TestbedQuestionEntry(TestbedQuestion Question, string File, int Line);

/// <summary>
/// Reads testbed question files (JSON lines) and opens their images; every problem is reported with the question
/// file, the line number and, for images, the image path.
/// </summary>
public static class TestbedQuestionFile
{
    /// <summary>
    /// Reads all questions. When <paramref name="imageFolder"/> is given, also checks that every image file exists
    /// (cheap, and it fails a long evaluation at the start instead of at question 2,000).
    /// </summary>
    public static IReadOnlyList<TestbedQuestionEntry> Read(string path, string? imageFolder = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Question file '{path}' does not exist.", path);
        var result = new List<TestbedQuestionEntry>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            TestbedQuestion? q;
            try
            {
                q = JsonSerializer.Deserialize<TestbedQuestion>(line, TestbedJson.Lines);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a valid JSON question line ({e.Message}).", e);
            }
            if (q is null)
                throw new InvalidDataException($"{path}:{lineNumber}: the line is JSON null, not a question object.");
            // Deserialisation leaves absent fields null even where the record says otherwise.
            var missing = string.IsNullOrEmpty(q.QuestionId) ? "question_id"
                : string.IsNullOrEmpty(q.Image) ? "image"
                : string.IsNullOrEmpty(q.Text) ? "text"
                : string.IsNullOrEmpty(q.Category) ? "category"
                : string.IsNullOrEmpty(q.Answer) ? "answer"
                : q.Choices is null ? "choices"
                : q.EvidenceBox is null ? "evidence_box"
                : null;
            if (missing is not null)
                throw new InvalidDataException($"{path}:{lineNumber}: the question has no '{missing}'.");
            if (q.EvidenceBox is not { Length: 4 } box)
                throw new InvalidDataException($"{path}:{lineNumber}: evidence_box needs 4 numbers [x0, y0, x1, y1]; got {q.EvidenceBox?.Length ?? 0}.");
            if (box[2] <= box[0] || box[3] <= box[1])
                throw new InvalidDataException($"{path}:{lineNumber}: evidence_box [{string.Join(", ", box)}] is empty (x1 <= x0 or y1 <= y0).");
            if (imageFolder is not null)
            {
                var imagePath = Path.Combine(imageFolder, q.Image);
                if (!File.Exists(imagePath))
                    throw new FileNotFoundException(
                        $"{path}:{lineNumber}: question '{q.QuestionId}' refers to image '{imagePath}', which does not exist.", imagePath);
            }
            result.Add(new TestbedQuestionEntry(q, path, lineNumber));
        }
        return result;
    }

    /// <summary>Decodes the image of a question; failures name the question file, line and image file.</summary>
    public static SKBitmap LoadImage(TestbedQuestionEntry entry, string imageFolder)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var imagePath = Path.Combine(imageFolder, entry.Question.Image);
        try
        {
            return ImageLoader.Load(imagePath);
        }
        catch (ImageLoadException e)
        {
            throw new InvalidDataException(
                $"{entry.File}:{entry.Line}: cannot load the image of question '{entry.Question.QuestionId}': {e.Message}", e);
        }
    }

    /// <summary>Reads <c>scenes.jsonl</c> (one <see cref="TestbedScene"/> per line).</summary>
    public static IReadOnlyList<TestbedScene> ReadScenes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Scene file '{path}' does not exist.", path);
        var scenes = new List<TestbedScene>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                scenes.Add(JsonSerializer.Deserialize<TestbedScene>(line, TestbedJson.Lines)
                    ?? throw new InvalidDataException($"{path}:{lineNumber}: empty scene."));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a valid JSON scene line ({e.Message}).", e);
            }
        }
        return scenes;
    }
}
