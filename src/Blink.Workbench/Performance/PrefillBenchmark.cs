using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Performance;

/// <summary>A named way to run the prefill: a fresh interceptor per run (or none for vanilla).</summary>
public sealed record BenchMethod(string Name, Func<IDecoderInterceptor?> CreateInterceptor);

/// <summary>
/// Prefill and decode measurements of the methods on one prompt: wall time (warm-up + repeats), tokens processed
/// summed over layers, peak resident memory. The cost model Blink is held to: its time should not exceed vanilla's
/// by more than the share of tokens it adds.
/// </summary>
public static class PrefillBenchmark
{
    public static IReadOnlyList<Measurement> Prefill(LlavaForConditionalGeneration model, Tensor inputIds, Tensor imageFeatures,
        IEnumerable<BenchMethod> methods, int warmup, int repeats, Action<string>? progress = null)
    {
        var results = new List<Measurement>();
        using var noGrad = torch.no_grad();
        foreach (var method in methods)
        {
            progress?.Invoke($"prefill: {method.Name}");
            long tokens = 0;
            GC.Collect();
            ProcessMemory.ResetPeak();
            var samples = Measurement.Time(() =>
            {
                using var scope = NewDisposeScope();
                var output = model.forward(new LlavaInput(inputIds, null, null, method.CreateInterceptor(), LogitsMode.Last, imageFeatures));
                output.Logits.cpu(); // wait for the device before the clock stops
                tokens = output.TokensPerLayer.Sum();
            }, warmup, repeats);
            results.Add(new Measurement(method.Name, samples, tokens, ProcessMemory.PeakBytes()));
        }
        return results;
    }

    /// <summary>Decode throughput: tokens per second of greedy decoding after the prefill (cache on).</summary>
    public static Measurement Decode(LlavaForConditionalGeneration model, Tensor inputIds, Tensor imageFeatures, BenchMethod method, int newTokens, int repeats)
    {
        var samples = Measurement.Time(() =>
        {
            using var scope = NewDisposeScope();
            var r = GreedyDecoder.Generate(model, inputIds, null, new GenerationOptions(newTokens), method.CreateInterceptor(), imageFeatures);
            _ = r.Tokens.Length;
        }, 1, repeats);
        // Subtract nothing: the figure reported is per generated token including the prefill, and the prefill alone is measured separately.
        return new Measurement($"decode {newTokens} tokens: {method.Name}", samples);
    }

    /// <summary>
    /// The cost of reading attention at every layer: no observation, the cheap last-row path, and full matrices.
    /// </summary>
    public static IReadOnlyList<Measurement> AttentionObservation(LlavaForConditionalGeneration model, Tensor inputIds, Tensor imageFeatures, int warmup, int repeats)
    {
        var methods = new[]
        {
            new BenchMethod("no observation", () => null),
            new BenchMethod("last-row attention, every layer", () => new EveryLayer(s => AttentionRequest.LastRow(s))),
            new BenchMethod("last-row + saliency scan, every layer", () => new ScanEveryLayer()),
            new BenchMethod("full attention matrices, every layer", () => new EveryLayer(_ => AttentionRequest.FullMatrices)),
        };
        return Prefill(model, inputIds, imageFeatures, methods, warmup, repeats);
    }

    /// <summary>TokenSR forward cost for one expansion of a p×p patch at the model's width.</summary>
    public static Measurement TokenSRCost(int hiddenSize, int patchSize, Device device, ScalarType dtype, int warmup, int repeats)
    {
        using var noGrad = torch.no_grad();
        using var bank = new TokenSRBank([0], hiddenSize, TokenSRBank.DefaultWidth(hiddenSize));
        bank.to(device, dtype);
        var patch = torch.randn(1, hiddenSize, patchSize, patchSize, device: device, dtype: dtype);
        var samples = Measurement.Time(() =>
        {
            using var scope = NewDisposeScope();
            bank.forward((0, patch)).cpu();
        }, warmup, repeats);
        return new Measurement($"TokenSR {patchSize}×{patchSize}→{2 * patchSize}×{2 * patchSize}, D={hiddenSize}", samples);
    }

    private sealed class EveryLayer(Func<DecoderState, AttentionRequest> request) : IDecoderInterceptor
    {
        public AttentionRequest BeforeLayer(int layer, DecoderState state) => state.IsPrefill ? request(state) : AttentionRequest.None;
    }

    private sealed class ScanEveryLayer : IDecoderInterceptor
    {
        public AttentionRequest BeforeLayer(int layer, DecoderState state) => state.IsPrefill ? AttentionRequest.LastRow(state) : AttentionRequest.None;

        public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
        {
            if (state.IsPrefill && state.Layout is { } layout)
                SaliencyScanner.Scan(layer, observation, layout, HeadAggregation.Mean, SaliencyScores.Softmax, BlinkOptions.DefaultPatchSize(layout.GridHeight));
        }
    }
}
