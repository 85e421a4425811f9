namespace Blink.Workbench.Methods;

/// <param name="Text">The answer: the chosen candidate, or the decoded greedy continuation.</param>
/// <param name="ChoiceIndex">Index of the chosen candidate for closed-set questions.</param>
/// <param name="ChoiceScores">Log-likelihood of every candidate.</param>
/// <param name="Trace">Blink's decisions in the prefill (Blink methods only).</param>
/// <param name="TokensPerLayer">Tokens each decoder layer processed in the prefill.</param>
/// <param name="PrefillTime">Wall time of the prefill (closed-set: the whole scoring).</param>
/// <param name="AuxiliaryTokens">Tokens processed by the forwards run besides the answering one (attention probes, crop teachers), summed over layers.</param>
/// <param name="VisionPasses">Images run through the vision tower for this question.</param>
/// <param name="Forwards">Decoder forwards over the prompt (the answering prefill included).</param>
/// <param name="TotalTime">Wall time of the whole question (every forward, cropping and answering); null = <paramref name="PrefillTime"/>.</param>
public sealed record MethodAnswer(string Text, int? ChoiceIndex, double[]? ChoiceScores, BlinkTrace? Trace, IReadOnlyList<int> TokensPerLayer, TimeSpan PrefillTime,
    long AuxiliaryTokens = 0, int VisionPasses = 1, int Forwards = 1, TimeSpan? TotalTime = null)
{
    /// <summary>Every token every decoder layer processed for this question, over all forwards.</summary>
    public long TokensAllForwards => TokensPerLayer.Sum() + AuxiliaryTokens;
}
