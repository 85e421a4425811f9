using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// A LLaVA <c>question_id</c>, kept in its raw JSON form. LLaVA files use integers (POPE, MM-Vet, MMBench) and
/// strings (GQA <c>"201307251"</c>, MME <c>"code_reasoning/0020.png"</c>); Python's dicts keep <c>1</c> and <c>"1"</c>
/// apart, so do we, and an id is written back exactly as it was read so official scripts can match it.
/// </summary>
public readonly record struct QuestionId
{
    private QuestionId(string text, bool isNumber)
    {
        Text = text;
        IsNumber = isNumber;
    }

    /// <summary>The id as text: the JSON number literal (e.g. <c>10000001</c>) or the string's value.</summary>
    public string Text { get; }

    /// <summary>True when the id is a JSON number, false when it is a JSON string.</summary>
    public bool IsNumber { get; }

    public static QuestionId FromString(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), false);

    public static QuestionId FromNumber(long value) => new(value.ToString(CultureInfo.InvariantCulture), true);

    /// <summary>Reads an id from a JSON node; returns null if the node is neither a string nor an integer.</summary>
    public static QuestionId? TryFromJson(JsonNode? node)
    {
        if (node is not JsonValue value)
            return null;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return FromString(value.GetValue<string>());
            case JsonValueKind.Number:
                // Keep the literal, but only integers are ids; 1.5 is a typo, not an id.
                string literal = value.ToJsonString();
                return long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                    ? new QuestionId(literal, true)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The id as a JSON node of its original kind.</summary>
    public JsonNode ToJson() =>
        IsNumber ? JsonValue.Create(long.Parse(Text, CultureInfo.InvariantCulture)) : JsonValue.Create(Text);

    /// <summary>The integer value; throws when the id is not numeric (neither a number nor a string of digits).</summary>
    public long ToInt64() =>
        long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new FormatException($"question_id '{Text}' is not an integer");

    public override string ToString() => IsNumber ? Text : $"\"{Text}\"";
}
