namespace Blink.Workbench.Text;

/// <summary>
/// A conversation template that turns a question into the model's prompt text. <c>{question}</c> is replaced; the
/// text keeps one literal <c>&lt;image&gt;</c> where the visual tokens go.
/// </summary>
public sealed record PromptTemplate(string Name, string Format)
{
    /// <summary>LLaVA-1.5's <c>conv_vicuna_v1</c> (system prompt, "USER:"/"ASSISTANT:", single-space separators).</summary>
    public static PromptTemplate VicunaV1 { get; } = new("vicuna_v1",
        "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: <image>\n{question} ASSISTANT:");

    /// <summary>The testbed model's short template (its word-level vocabulary has no system prompt).</summary>
    public static PromptTemplate Testbed { get; } = new("testbed", "<image>\nuser : {question} assistant :");

    /// <summary>Suffix of LLaVA's evaluation scripts for short answers.</summary>
    public const string ShortAnswerSuffix = "Answer the question using a single word or phrase.";

    /// <summary>Suffix of LLaVA's evaluation scripts for multiple choice.</summary>
    public const string MultipleChoiceSuffix = "Answer with the option's letter from the given choices directly.";

    public static PromptTemplate ByName(string name) => name switch
    {
        "vicuna_v1" => VicunaV1,
        "testbed" => Testbed,
        _ => throw new ArgumentException($"Unknown prompt template '{name}' (known: vicuna_v1, testbed).", nameof(name)),
    };

    public string Render(string question) => Format.Replace("{question}", question);
}
