namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// POPE's yes/no rule (POPE <c>evaluate.py</c> = LLaVA <c>eval_pope.py</c>): keep the text before the first '.',
/// delete ',', split on single spaces, and answer "no" if any word is exactly <c>No</c>, <c>not</c> or <c>no</c>,
/// else "yes". Consequences kept on purpose: "Not really" → yes (the word is "Not"), "NO" → yes, "" → yes,
/// "No\nthere is" → yes (newline is not a split point), "There is not a dog" → no.
/// </summary>
public static class PopeAnswerParser
{
    public static string Parse(string text)
    {
        int dot = text.IndexOf('.');
        if (dot >= 0)
            text = text[..dot];
        text = text.Replace(",", "");
        foreach (string word in text.Split(' '))
            if (word is "No" or "not" or "no")
                return "no";
        return "yes";
    }
}
