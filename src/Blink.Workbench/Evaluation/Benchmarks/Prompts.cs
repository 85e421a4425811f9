namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>The prompt suffixes of LLaVA-1.5's evaluation scripts (<c>scripts/v1_5/eval/*.sh</c>, question files).</summary>
public static class Prompts
{
    /// <summary>Short-answer suffix (POPE, MME, GQA question files).</summary>
    public const string ShortAnswer = "Answer the question using a single word or phrase.";

    /// <summary>Multiple-choice suffix (<c>--single-pred-prompt</c>; MMBench, ScienceQA).</summary>
    public const string MultipleChoice = "Answer with the option's letter from the given choices directly.";

    /// <summary>Chinese multiple-choice suffix (<c>--lang cn</c>; MMBench-CN).</summary>
    public const string MultipleChoiceChinese = "请直接回答选项字母。";

    /// <summary><c>question + "\n" + suffix</c>, as LLaVA's question files join them.</summary>
    public static string WithSuffix(string question, string suffix) => question + "\n" + suffix;

    /// <summary>Removes a trailing "\n" + suffix if present (to recover the bare question from a question file).</summary>
    public static string StripSuffix(string text, string suffix)
    {
        string tail = "\n" + suffix;
        return text.EndsWith(tail, StringComparison.Ordinal) ? text[..^tail.Length] : text;
    }

    public static readonly IReadOnlyList<string> OptionLetters = ["A", "B", "C", "D", "E"];
}
