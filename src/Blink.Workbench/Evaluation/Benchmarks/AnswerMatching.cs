using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>Matches answers to items by question_id; shared by all scorers.</summary>
internal static class AnswerMatching
{
    /// <summary>
    /// Maps item id → answer. Two answers to one id is an error (naming both lines); answers to unknown ids are
    /// counted in <paramref name="unmatched"/>.
    /// </summary>
    public static Dictionary<QuestionId, AnswerRecord> ByQuestion(IReadOnlyList<BenchmarkItem> items,
        IReadOnlyList<AnswerRecord> answers, out int unmatched, out List<AnswerRecord> unmatchedAnswers)
    {
        var ids = new HashSet<QuestionId>(items.Select(i => i.Id));
        var map = new Dictionary<QuestionId, AnswerRecord>();
        unmatched = 0;
        unmatchedAnswers = [];
        foreach (AnswerRecord a in answers)
        {
            if (!ids.Contains(a.QuestionId))
            {
                unmatched++;
                unmatchedAnswers.Add(a);
                continue;
            }
            if (!map.TryAdd(a.QuestionId, a))
                throw new ArgumentException(
                    $"question_id {a.QuestionId} has two answers (lines {map[a.QuestionId].LineNumber} and {a.LineNumber})");
        }
        return map;
    }

    public static Dictionary<QuestionId, AnswerRecord> ByQuestion(IReadOnlyList<BenchmarkItem> items,
        IReadOnlyList<AnswerRecord> answers, out int unmatched) =>
        ByQuestion(items, answers, out unmatched, out _);
}
