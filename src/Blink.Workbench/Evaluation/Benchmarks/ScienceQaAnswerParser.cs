using System.Text.RegularExpressions;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// LLaVA's ScienceQA letter rule (<c>llava/eval/eval_science_qa.py</c>): newlines become ". "; then the stripped
/// text being one of A–E → that letter; else text starting with a letter and ". " → that letter; else
/// "The answer is X." / "The answer is X" → X; else FAILED. A letter past the item's options scores as wrong.
/// Case matters: "b" and "The answer is b" fail, as in the official script.
/// </summary>
public static partial class ScienceQaAnswerParser
{
    public const string Failed = "FAILED";

    public static string Parse(string text)
    {
        string t = text.Replace("\n", ". ");
        string stripped = t.Trim();
        if (stripped.Length == 1 && stripped[0] is >= 'A' and <= 'E')
            return stripped;
        if (t.Length >= 3 && t[0] is >= 'A' and <= 'E' && t[1] == '.' && t[2] == ' ')
            return t[..1];
        if (t.Contains("The answer is ", StringComparison.Ordinal))
        {
            Match m = AnswerIsWithPeriod().Match(t);
            if (!m.Success)
                m = AnswerIs().Match(t);
            return m.Success ? m.Groups[1].Value : Failed;
        }
        return Failed;
    }

    [GeneratedRegex(@"The answer is ([A-E])\.")]
    private static partial Regex AnswerIsWithPeriod();

    [GeneratedRegex(@"The answer is ([A-E])")]
    private static partial Regex AnswerIs();
}
