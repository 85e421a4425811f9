using System.Diagnostics;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Generation;

public sealed record GenerationOptions(int MaxNewTokens = 16, bool UseCache = true, int? EosId = null);

/// <param name="Tokens">Generated ids (EOS excluded).</param>
/// <param name="PrefillTokensPerLayer">Tokens each decoder layer processed in the prefill (the cost of an intervention).</param>
/// <param name="PrefillTime">Wall time of the prefill forward.</param>
/// <param name="TotalTime">Wall time of the whole generation.</param>
public sealed record GenerationResult(int[] Tokens, IReadOnlyList<int> PrefillTokensPerLayer, TimeSpan PrefillTime, TimeSpan TotalTime);

/// <summary>
/// Greedy decoding for one prompt. With the cache, interventions act in the prefill and every decode step continues
/// each layer from its own cached length and position; without it, every step re-runs the whole sequence (and any
/// interceptor decides afresh), which is the reference the cached path is tested against.
/// </summary>
public static class GreedyDecoder
{
    public static GenerationResult Generate(
        LlavaForConditionalGeneration model,
        Tensor inputIds,
        Tensor? pixelValues,
        GenerationOptions options,
        IDecoderInterceptor? interceptor = null,
        Tensor? imageFeatures = null)
    {
        if (inputIds.dim() != 2 || inputIds.shape[0] != 1) throw new ArgumentException("Greedy decoding takes one prompt: input ids must be [1, T].");
        if (options.MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(options), $"MaxNewTokens must be ≥ 0, got {options.MaxNewTokens}.");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var total = Stopwatch.StartNew();
        var tokens = new List<int>();
        using var cache = options.UseCache ? new KvCache(model.DecoderLayerCount) : null;
        var device = model.Device; // step ids are created where the weights are, not on the CPU and copied
        var features = imageFeatures ?? (pixelValues is null ? null : model.GetImageFeatures(pixelValues));

        var prefillClock = Stopwatch.StartNew();
        var output = model.forward(new LlavaInput(inputIds, null, cache, interceptor, LogitsMode.Last, features));
        var next = output.Logits[0, -1].argmax().item<long>();
        prefillClock.Stop();
        var prefillTokens = output.TokensPerLayer;

        var sequence = inputIds.cpu().data<long>().ToList();
        for (var step = 0; step < options.MaxNewTokens; step++)
        {
            if (options.EosId is { } eos && next == eos) break;
            tokens.Add((int)next);
            if (step == options.MaxNewTokens - 1) break;
            using var stepScope = NewDisposeScope();
            if (cache is not null)
            {
                var ids = torch.tensor(new[] { next }, dtype: ScalarType.Int64, device: device).reshape(1, 1);
                output = model.forward(new LlavaInput(ids, null, cache, interceptor));
            }
            else
            {
                sequence.Add(next);
                var ids = torch.tensor(sequence.ToArray(), dtype: ScalarType.Int64, device: device).reshape(1, sequence.Count);
                output = model.forward(new LlavaInput(ids, null, null, interceptor, LogitsMode.Last, features));
            }
            next = output.Logits[0, -1].argmax().item<long>();
        }
        return new GenerationResult(tokens.ToArray(), prefillTokens, prefillClock.Elapsed, total.Elapsed);
    }
}
