using System.Text.Json.Serialization;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// One drawn object of a scene, as stored in <c>scenes.jsonl</c>: <c>kind</c> is a shape name or <c>"digit"</c>,
/// <c>size</c> is <c>"small"</c> (what questions ask about) or <c>"large"</c> (background distractor), <c>box</c> is
/// <c>[x0, y0, x1, y1]</c> in original-image pixels (end-exclusive), <c>label</c> is the digit value for digits.
/// </summary>
public sealed record SceneObject(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("color")] string Color,
    [property: JsonPropertyName("size")] string Size,
    [property: JsonPropertyName("box")] int[] Box,
    [property: JsonPropertyName("label"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Label = null)
{
    [JsonIgnore] public PixelBox PixelBox => PixelBox.FromArray(Box);
    [JsonIgnore] public bool IsSmall => Size == TestbedVocabulary.Small;
}

/// <summary>The region a count question refers to: a drawn white <c>frame</c> or an image <c>quadrant</c>.</summary>
public sealed record SceneRegion(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("box")] int[] Box,
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name = null)
{
    public const string Frame = "frame";
    public const string Quadrant = "quadrant";

    [JsonIgnore] public PixelBox PixelBox => PixelBox.FromArray(Box);
}

/// <summary>Ground truth of one image: every object with its kind, colour and box, and the count region if any.</summary>
public sealed record TestbedScene(
    [property: JsonPropertyName("question_id")] string QuestionId,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("objects")] IReadOnlyList<SceneObject> Objects,
    [property: JsonPropertyName("region"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SceneRegion? Region = null);
