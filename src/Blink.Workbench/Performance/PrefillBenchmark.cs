using System.Diagnostics;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Performance;

/// <summary>
/// A named way to run the prefill: a fresh interceptor per run (or none for vanilla), and optionally its own image
/// features (the zoom oracle sees the evidence crop instead of the whole image).
/// </summary>
public sealed record BenchMethod(string Name, Func<IDecoderInterceptor?> CreateInterceptor, Tensor? ImageFeatures = null);

/// <summary>
/// The benchmark cases of the methods on one prompt, for <see cref="InterleavedRounds"/>: prefill wall time, tokens
/// processed summed over layers and peak resident memory; decode time per token; expander cost. The cost model Blink
/// is held to: its prefill time should not exceed vanilla's by more than the share of tokens it adds.
/// </summary>
public static class PrefillBenchmark
{
    /// <summary>One prefill (embeddings, every layer, final norm, LM head on the last position) of <paramref name="method"/>.</summary>
    public static BenchCase Prefill(LlavaForConditionalGeneration model, Tensor inputIds, Tensor imageFeatures, BenchMethod method) => new(method.Name, () =>
    {
        using var noGrad = torch.no_grad();
        ProcessMemory.ResetPeak();
        var clock = Stopwatch.StartNew();
        long tokens;
        using (NewDisposeScope())
        {
            var output = model.forward(new LlavaInput(inputIds, null, null, method.CreateInterceptor(), LogitsMode.Last, method.ImageFeatures ?? imageFeatures));
            output.Logits.cpu(); // wait for the device before the clock stops
            tokens = output.TokensPerLayer.Sum();
        }
        var ms = clock.Elapsed.TotalMilliseconds;
        return new RunSample(ms, tokens, ProcessMemory.PeakBytes());
    });

    /// <summary>
    /// Greedy decoding of <paramref name="newTokens"/> tokens with the KV cache after the prefill; the sample is the
    /// time per decode step, (total − prefill) / (newTokens − 1), both clocks from the same run.
    /// </summary>
    public static BenchCase Decode(LlavaForConditionalGeneration model, Tensor inputIds, Tensor imageFeatures, BenchMethod method, int newTokens)
    {
        if (newTokens < 2) throw new ArgumentOutOfRangeException(nameof(newTokens), $"Decoding needs at least 2 new tokens (the first comes from the prefill), got {newTokens}.");
        return new BenchCase(method.Name, () =>
        {
            using var scope = NewDisposeScope();
            var r = GreedyDecoder.Generate(model, inputIds, null, new GenerationOptions(newTokens), method.CreateInterceptor(), method.ImageFeatures ?? imageFeatures);
            if (r.Tokens.Length != newTokens) throw new InvalidOperationException($"Greedy decoding made {r.Tokens.Length} tokens, expected {newTokens}.");
            return new RunSample((r.TotalTime - r.PrefillTime).TotalMilliseconds / (newTokens - 1), r.PrefillTokensPerLayer.Sum());
        });
    }

    /// <summary>
    /// Interceptors that read attention at every layer without editing anything, to be run beside vanilla in the same
    /// rounds: the last-row path with the saliency scan, and full per-head matrices (the pilot study's expensive mode).
    /// </summary>
    public static IReadOnlyList<BenchMethod> ObservationMethods(int patchSize) =>
    [
        new("observe: last-row attention + saliency scan, every layer", () => new ScanEveryLayer(patchSize)),
        new("observe: full attention matrices, every layer", () => new EveryLayer(_ => AttentionRequest.FullMatrices)),
    ];

    /// <summary>The expanders' forward for one expansion of a p×p patch at the model's width: TokenSR and interpolation.</summary>
    public static IReadOnlyList<BenchCase> ExpanderCases(TokenSRBank bank, int layer, int patchSize, Device device, ScalarType dtype)
    {
        var hidden = bank.HiddenSize;
        var patch = torch.randn(1, hidden, patchSize, patchSize, device: device).to(dtype).DetachFromDisposeScope();
        var tokensr = new TokenSRExpander(bank);
        var interp = new InterpolationExpander(bank.Scale);
        var size = $"{patchSize}×{patchSize}→{bank.Scale * patchSize}×{bank.Scale * patchSize}, D={hidden}";
        return [Case($"TokenSR {size}, width {bank.Width}", tokensr), Case($"interpolation {size}", interp)];

        BenchCase Case(string name, ITokenExpander expander) => new(name, () =>
        {
            using var noGrad = torch.no_grad();
            var clock = Stopwatch.StartNew();
            using (NewDisposeScope()) expander.Expand(layer, patch).cpu();
            return new RunSample(clock.Elapsed.TotalMilliseconds);
        });
    }

    private sealed class EveryLayer(Func<DecoderState, AttentionRequest> request) : IDecoderInterceptor
    {
        public AttentionRequest BeforeLayer(int layer, DecoderState state) => state.IsPrefill ? request(state) : AttentionRequest.None;
    }

    private sealed class ScanEveryLayer(int patchSize) : IDecoderInterceptor
    {
        public AttentionRequest BeforeLayer(int layer, DecoderState state) => state.IsPrefill ? AttentionRequest.LastRow(state) : AttentionRequest.None;

        public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
        {
            if (state.IsPrefill && state.Layout is { } layout)
                SaliencyScanner.Scan(layer, observation, layout, HeadAggregation.Mean, SaliencyScores.Softmax, patchSize, visualShare: false);
        }
    }
}
