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

    public long[] BuildIds(string question, bool withImage = true)
    {
        var text = RenderText(question);
        if (!withImage) text = text.Replace("<image>\n", "").Replace("<image>", "");
        var ids = Tokenizer.Encode(text, addBos: true);
        var result = new List<long>(ids.Count + ImageTokenCount);
        var images = 0;
        foreach (var id in ids)
        {
            if (id == Tokenizer.ImageTokenId)
            {
                images++;
                for (var i = 0; i < ImageTokenCount; i++) result.Add(id);
            }
            else result.Add(id);
        }
        if (withImage && images != 1)
            throw new InvalidOperationException($"Template '{Template.Name}' produced {images} image placeholders; exactly one is expected.");
        return result.ToArray();
    }
}
