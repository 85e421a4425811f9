using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Generation;

/// <param name="LogLikelihoods">Sum of token log-probabilities per candidate (natural log), in the order given.</param>
/// <param name="PrefillTokensPerLayer">Tokens each decoder layer processed in the prompt's prefill.</param>
public sealed record CandidateScores(double[] LogLikelihoods, IReadOnlyList<int> PrefillTokensPerLayer)
{
    public int Best => Array.IndexOf(LogLikelihoods, LogLikelihoods.Max());
}

/// <summary>
/// Closed-set answering: the log-likelihood of each candidate answer after the prompt. The prompt is processed once
/// (interventions included); each candidate then continues from the cache and is rolled back afterwards.
/// </summary>
public static class CandidateScorer
{
    public static CandidateScores Score(
        LlavaForConditionalGeneration model,
        Tensor inputIds,
        Tensor? pixelValues,
        IReadOnlyList<int[]> candidates,
        IDecoderInterceptor? interceptor = null,
        Tensor? imageFeatures = null)
    {
        if (candidates.Count == 0) throw new ArgumentException("No candidate answers to score.", nameof(candidates));
        for (var i = 0; i < candidates.Count; i++)
            if (candidates[i].Length == 0) throw new ArgumentException($"Candidate {i} has no tokens.", nameof(candidates));
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        using var cache = new KvCache(model.DecoderLayerCount);
        var features = imageFeatures ?? (pixelValues is null ? null : model.GetImageFeatures(pixelValues));
        var prefill = model.forward(new LlavaInput(inputIds, null, cache, interceptor, LogitsMode.Last, features));
        var first = prefill.Logits[0, -1].log_softmax(-1).ToFloatArray();
        var scores = new double[candidates.Count];
        var needsContinuation = candidates.Any(c => c.Length > 1);
        using var snapshot = needsContinuation ? cache.TakeSnapshot() : null;
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            double total = first[c[0]];
            if (c.Length > 1)
            {
                using var candidateScope = NewDisposeScope();
                var feed = torch.tensor(c[..^1].Select(x => (long)x).ToArray(), dtype: ScalarType.Int64, device: model.Device).reshape(1, c.Length - 1);
                var output = model.forward(new LlavaInput(feed, null, cache, interceptor, LogitsMode.All));
                var logProbs = output.Logits[0].log_softmax(-1).cpu();
                for (var j = 1; j < c.Length; j++) total += logProbs[j - 1, c[j]].item<float>();
                cache.Restore(snapshot!);
            }
            scores[i] = total;
        }
        return new CandidateScores(scores, prefill.TokensPerLayer);
    }
}
