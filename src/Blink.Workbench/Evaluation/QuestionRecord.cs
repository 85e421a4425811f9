using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// One line of a LLaVA question file: <c>{"question_id", "image", "text", "category", ...}</c>. The testbed adds
/// <c>answer</c>, <c>choices</c> and <c>evidence_box</c>; any other field is kept in <see cref="Extras"/> and written
/// back unchanged.
/// </summary>
public sealed record QuestionRecord
{
    public required QuestionId QuestionId { get; init; }

    /// <summary>Image path relative to the image folder (LLaVA's <c>--image-folder</c>).</summary>
    public required string Image { get; init; }

    /// <summary>The full prompt text, suffix included (e.g. "...\nAnswer the question using a single word or phrase.").</summary>
    public required string Text { get; init; }

    public required string Category { get; init; }

    /// <summary>Testbed extra: the ground-truth answer.</summary>
    public string? Answer { get; init; }

    /// <summary>Testbed extra: candidate answers for a closed set.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Testbed extra: the box [x0, y0, x1, y1] (pixels of the source image) that holds the evidence.</summary>
    public EvidenceBox? EvidenceBox { get; init; }

    /// <summary>Fields we do not model, preserved verbatim.</summary>
    public JsonObject Extras { get; init; } = new();

    /// <summary>1-based line in the file it was read from; 0 for records built in memory.</summary>
    public int LineNumber { get; init; }
}

/// <summary>Axis-aligned box in source-image pixels, [x0, y0, x1, y1] with x0 ≤ x1 and y0 ≤ y1.</summary>
public readonly record struct EvidenceBox(double X0, double Y0, double X1, double Y1)
{
    public double Width => X1 - X0;
    public double Height => Y1 - Y0;
}
