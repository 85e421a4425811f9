using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// One line of a LLaVA answer file (<c>model_vqa_loader.py</c>): <c>{"question_id", "prompt", "text", "answer_id",
/// "model_id", "metadata"}</c>. We keep the generation method, timings and token counts in <see cref="Metadata"/>;
/// extra top-level fields (MMBench's <c>round_id</c>, <c>options</c>, <c>option_char</c>) stay in <see cref="Extras"/>.
/// </summary>
public sealed record AnswerRecord
{
    public required QuestionId QuestionId { get; init; }

    /// <summary>The question as shown to the model (LLaVA stores the user text without the chat template).</summary>
    public string Prompt { get; init; } = "";

    /// <summary>The model's answer text.</summary>
    public required string Text { get; init; }

    /// <summary>A short unique id of this answer (LLaVA uses <c>shortuuid.uuid()</c>; see <see cref="ShortId"/>).</summary>
    public string AnswerId { get; init; } = "";

    public string ModelId { get; init; } = "";

    /// <summary>Free-form metadata; the key <c>method</c> names the inference method (baseline, blink, …).</summary>
    public JsonObject Metadata { get; init; } = new();

    /// <summary>Other top-level fields, written back unchanged.</summary>
    public JsonObject Extras { get; init; } = new();

    /// <summary>1-based line in the file it was read from; 0 for records built in memory.</summary>
    public int LineNumber { get; init; }

    /// <summary>The value of <c>metadata.method</c>, or null.</summary>
    public string? Method =>
        Metadata.TryGetPropertyValue(AnswerFile.MethodKey, out JsonNode? m) && m is JsonValue v &&
        v.TryGetValue(out string? s) ? s : null;
}
