namespace Blink.Workbench.Methods;

/// <param name="Text">The answer: the chosen candidate, or the decoded greedy continuation.</param>
/// <param name="ChoiceIndex">Index of the chosen candidate for closed-set questions.</param>
/// <param name="ChoiceScores">Log-likelihood of every candidate.</param>
/// <param name="Trace">Blink's decisions in the prefill (Blink methods only).</param>
/// <param name="TokensPerLayer">Tokens each decoder layer processed in the prefill.</param>
/// <param name="PrefillTime">Wall time of the prefill (closed-set: the whole scoring).</param>
public sealed record MethodAnswer(string Text, int? ChoiceIndex, double[]? ChoiceScores, BlinkTrace? Trace, IReadOnlyList<int> TokensPerLayer, TimeSpan PrefillTime);
