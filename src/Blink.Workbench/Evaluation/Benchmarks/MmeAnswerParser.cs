namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// MME's answer rule (<c>eval_tool/calculation.py</c>, <c>parse_pred_ans</c>): lower-case the prediction; "yes" or
/// "no" exactly → that; else if the first four characters contain "yes" → yes, else if they contain "no" → no, else
/// "other" (which counts as wrong). So "Not sure" → no, "nope" → no, "There is no dog" → other, "" → other.
/// </summary>
public static class MmeAnswerParser
{
    public const string Other = "other";

    public static string Parse(string prediction)
    {
        string p = prediction.ToLowerInvariant();
        if (p is "yes" or "no")
            return p;
        string prefix = p.Length > 4 ? p[..4] : p;
        if (prefix.Contains("yes", StringComparison.Ordinal))
            return "yes";
        if (prefix.Contains("no", StringComparison.Ordinal))
            return "no";
        return Other;
    }
}
