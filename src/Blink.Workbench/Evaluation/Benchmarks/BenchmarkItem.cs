using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// One question of a benchmark, ready for a model: the prompt (with the benchmark's LLaVA suffix), the image, and
/// what the scorer needs (ground truth, options, grouping).
/// </summary>
public sealed record BenchmarkItem
{
    /// <summary>Unique within the benchmark; the <c>question_id</c> of the answer file.</summary>
    public required QuestionId Id { get; init; }

    public required string Category { get; init; }

    /// <summary>The user text to send, suffix included, without chat template or image token.</summary>
    public required string Prompt { get; init; }

    /// <summary>The bare question as the benchmark states it (no suffix, no options).</summary>
    public required string Question { get; init; }

    public required ImageSource Image { get; init; }

    /// <summary>Image path relative to the benchmark's image folder (the <c>image</c> field of a question file); null
    /// when the image is embedded (MMBench).</summary>
    public string? ImageRelativePath { get; init; }

    /// <summary>Ground truth as the benchmark writes it ("yes", "Yes", an option letter, a word); null when unknown
    /// (test splits, MM-Vet grading happens elsewhere).</summary>
    public string? GroundTruth { get; init; }

    /// <summary>Option texts in the order shown (A, B, …); null for open questions.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>Items that are scored together share a group (MMBench circular rounds, the two MME questions of an
    /// image); null when every item stands alone.</summary>
    public string? Group { get; init; }

    /// <summary>MMBench circular round (0 = original option order).</summary>
    public int? RoundId { get; init; }

    /// <summary>Other per-item fields a benchmark keeps (MMBench hint, l2-category, source index…).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>File and line the item was read from, for messages.</summary>
    /// <summary>Ground-truth evidence box in original-image pixels, where the data provides one (the testbed does).</summary>
    public Imaging.PixelBox? Evidence { get; init; }

    public string SourceFile { get; init; } = "";

    public int SourceLine { get; init; }

    /// <summary>The item as a LLaVA question-file record (needs a file image).</summary>
    public QuestionRecord ToQuestionRecord() => new()
    {
        QuestionId = Id,
        Image = ImageRelativePath ?? throw new InvalidOperationException(
            $"item {Id} has an embedded image ({Image.Describe()}); it cannot go into a question file"),
        Text = Prompt,
        Category = Category,
        Answer = GroundTruth,
        Choices = Options,
    };
}
