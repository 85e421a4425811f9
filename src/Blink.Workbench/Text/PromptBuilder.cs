namespace Blink.Workbench.Text;

/// <summary>
/// Builds model input ids: renders the template, tokenizes, and expands the single <c>&lt;image&gt;</c> id into one id
/// per visual token, as the llava-hf processor does.
/// </summary>
public sealed class PromptBuilder(ITextTokenizer tokenizer, PromptTemplate template, int imageTokenCount)
{
    public ITextTokenizer Tokenizer { get; } = tokenizer;
    public PromptTemplate Template { get; } = template;
    public int ImageTokenCount { get; } = imageTokenCount;

    public string RenderText(string question) => Template.Render(question);

    /// <param name="images">How many images the prompt shows: further placeholders follow the template's one, a line apart.</param>
    public long[] BuildIds(string question, bool withImage = true, int images = 1)
    {
        if (withImage && images < 1) throw new ArgumentOutOfRangeException(nameof(images), $"A prompt with images needs at least one, got {images}.");
        var text = RenderText(question);
        if (!withImage) text = text.Replace("<image>\n", "").Replace("<image>", "");
        else if (images > 1)
        {
            var at = text.IndexOf("<image>", StringComparison.Ordinal);
            if (at >= 0) text = text[..at] + string.Join("\n", Enumerable.Repeat("<image>", images)) + text[(at + "<image>".Length)..];
        }
        var ids = Tokenizer.Encode(text, addBos: true);
        var result = new List<long>(ids.Count + ImageTokenCount);
        var placeholders = 0;
        foreach (var id in ids)
        {
            if (id == Tokenizer.ImageTokenId)
            {
                placeholders++;
                for (var i = 0; i < ImageTokenCount; i++) result.Add(id);
            }
            else result.Add(id);
        }
        if (withImage && placeholders != images)
            throw new InvalidOperationException($"Template '{Template.Name}' produced {placeholders} image placeholders; {(images == 1 ? "exactly one is" : $"{images} are")} expected.");
        return result.ToArray();
    }
}
