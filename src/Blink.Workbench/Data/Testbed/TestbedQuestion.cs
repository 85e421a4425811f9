using System.Text.Json.Serialization;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// One line of a testbed question file — LLaVA's question-file fields (<c>question_id, image, text, category</c>)
/// plus the ground truth the workbench needs: <c>answer</c>, the closed answer set <c>choices</c> and the
/// <c>evidence_box</c> a person would zoom into (<c>[x0, y0, x1, y1]</c>, original-image pixels).
/// <c>text</c> ends with LLaVA's short-answer suffix, exactly like LLaVA's POPE/MME question files.
/// </summary>
public sealed record TestbedQuestion(
    [property: JsonPropertyName("question_id")] string QuestionId,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("choices")] IReadOnlyList<string> Choices,
    [property: JsonPropertyName("evidence_box")] int[] EvidenceBox)
{
    /// <summary>The question without the short-answer suffix.</summary>
    [JsonIgnore]
    public string Question
    {
        get
        {
            var suffix = "\n" + TestbedVocabulary.ShortAnswerSuffix;
            return Text.EndsWith(suffix, StringComparison.Ordinal) ? Text[..^suffix.Length] : Text;
        }
    }

    [JsonIgnore] public PixelBox Evidence => PixelBox.FromArray(EvidenceBox);
}
