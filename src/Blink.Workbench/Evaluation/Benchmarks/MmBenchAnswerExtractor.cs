using System.Text.RegularExpressions;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// Turns a free-text MMBench answer into an option letter with rules only (the official pipeline tries rules, then
/// asks ChatGPT; we stop after the rules and count the rest as wrong). In order:
/// <list type="number">
/// <item>the answer is just a valid letter, possibly wrapped: <c>B</c>, <c>B.</c>, <c>(B)</c>;</item>
/// <item>it starts with a valid letter and a delimiter: <c>B. cat</c>, <c>B) cat</c>, <c>(B) cat</c>, <c>B: cat</c>;</item>
/// <item>it says <c>answer is B</c> / <c>Answer: B</c>;</item>
/// <item>exactly one option's text occurs in it (case-insensitive).</item>
/// </list>
/// Anything else (empty text, two option texts, a letter beyond the options) gives null.
/// </summary>
public static partial class MmBenchAnswerExtractor
{
    public static string? Extract(string prediction, IReadOnlyList<string> options)
    {
        var letters = Prompts.OptionLetters.Take(options.Count).ToList();
        string t = prediction.Trim();
        if (t.Length == 0)
            return null;

        string core = t.Trim('(', ')', '.', ' ', ':', '[', ']', '"', '\'');
        if (core.Length == 1 && letters.Contains(core))
            return core;

        Match lead = LeadingLetter().Match(t);
        if (lead.Success && letters.Contains(lead.Groups[1].Value))
            return lead.Groups[1].Value;

        Match said = AnswerIs().Match(t);
        if (said.Success && letters.Contains(said.Groups[1].Value))
            return said.Groups[1].Value;

        var byText = options.Select((o, i) => (Option: o.Trim(), Letter: letters[i]))
            .Where(x => x.Option.Length > 0 && t.Contains(x.Option, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (byText.Count == 1)
            return byText[0].Letter;
        // Several option texts match: the answer may be exactly one of them ("red" vs "dark red").
        var exact = byText.Where(x => string.Equals(x.Option, t.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)).ToList();
        return exact.Count == 1 ? exact[0].Letter : null;
    }

    [GeneratedRegex(@"^\(?([A-E])(?:[\.\):]|\s)")]
    private static partial Regex LeadingLetter();

    [GeneratedRegex(@"(?i:answer)(?:\s+is)?\s*[:：]?\s*\(?([A-E])\b")]
    private static partial Regex AnswerIs();
}
