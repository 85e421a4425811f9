using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blink.Notebooks.Documents;

/// <summary>
/// nbformat "multiline strings": a string or an array of strings that are concatenated. Writers split text so that
/// every element ends in "\n" except the last (the documents writer's SplitIntoJupyterFileArray), which keeps diffs
/// line-based.
/// </summary>
internal static class JupyterText
{
    public static string Join(JsonNode? node, string what)
    {
        switch (node)
        {
            case null:
                return "";
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>();
            case JsonArray array:
                var text = new StringBuilder();
                foreach (var item in array)
                {
                    if (item is not JsonValue line || line.GetValueKind() != JsonValueKind.String)
                        throw new NotebookFormatException($"{what} must be a string or an array of strings.");
                    text.Append(line.GetValue<string>());
                }
                return text.ToString();
            default:
                throw new NotebookFormatException($"{what} must be a string or an array of strings.");
        }
    }

    public static JsonArray Split(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            lines.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }
}
