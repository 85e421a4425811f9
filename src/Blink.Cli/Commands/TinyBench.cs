using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Performance;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Cli.Commands;

/// <summary>
/// The embedded tiny model part of <c>blink bench</c>: prefill of every method (the zoom oracle included) on one testbed
/// question in interleaved rounds, and the leak check (dispose-scope statistics over many forwards).
/// </summary>
internal static class TinyBench
{
    public static void Run(BenchReport report, ModelBundle bundle, Device device, int warmup, int rounds, int leakForwards)
    {
        var config = bundle.Model.Config;
        var dtype = bundle.Model.DType;
        var pre = bundle.Preprocessor.Options;
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var sample = TestbedGenerator.ForModel(bundle.Model.Config).Generate(TestbedSplit.Test, 0);
        var ids = bundle.PromptIds(sample.Question.Text).to(device);
        var features = bundle.Model.GetImageFeatures(bundle.Preprocessor.ToTensor(sample.Image, device).unsqueeze(0));
        using var crop = new MethodRunner(bundle).EvidenceCrop(new MethodInput(sample.Image, sample.Question.Text, 0, sample.Question.Evidence));
        var cropFeatures = bundle.Model.GetImageFeatures(bundle.Preprocessor.ToTensor(crop, device).unsqueeze(0));
        var blink = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize);
        var forced = blink with { Schedule = ExpansionSchedule.ForcedOnce };
        using var bank = new TokenSRBank(Enumerable.Range(blink.FirstLayer, blink.LastLayer - blink.FirstLayer + 1), config.TextConfig.HiddenSize, TokenSRBank.DefaultWidth(config.TextConfig.HiddenSize));
        bank.to(device, dtype);
        var methods = new[]
        {
            new BenchMethod("vanilla", () => null),
            new BenchMethod("blink-interp (default thresholds)", () => new BlinkInterceptor(blink with { Expander = ExpanderKind.Interpolation }, new InterpolationExpander())),
            new BenchMethod("blink-interp (forced expansion)", () => new BlinkInterceptor(forced with { Expander = ExpanderKind.Interpolation }, new InterpolationExpander())),
            new BenchMethod("blink (TokenSR, forced expansion)", () => new BlinkInterceptor(forced, new TokenSRExpander(bank))),
            new BenchMethod("fastv (K=2, R=0.5)", () => new FastVInterceptor(2, 0.5)),
            new BenchMethod("zoom oracle (evidence-crop features)", () => null, cropFeatures),
        };
        AnsiConsole.MarkupLineInterpolated($"tiny model {bundle.ModelId}: {ids.shape[1]} tokens, Blink layers {blink.FirstLayer}–{blink.LastLayer}, {rounds} interleaved rounds");
        GC.Collect();
        var prefill = InterleavedRounds.Run(methods.Select(m => PrefillBenchmark.Prefill(bundle.Model, ids, features, m)).ToArray(), warmup, rounds,
            p =>
            {
                if (!p.StartsWith("round", StringComparison.Ordinal) || p == $"round {rounds}/{rounds}") AnsiConsole.MarkupLineInterpolated($"  {p}");
            });
        PrefillTable.Add(report,
            $"Prefill, embedded tiny model ({config.TextConfig.NumHiddenLayers} layers × {config.TextConfig.HiddenSize}, {ids.shape[1]} tokens, {dtype}, {device}, vision features precomputed)",
            "tiny_prefill", prefill, n => n.StartsWith("blink", StringComparison.Ordinal), 3,
            "The zoom oracle runs the decoder on the evidence crop's features (the same number of tokens); its crop and second vision pass are outside this timing. " +
            "On a model this small a layer is a few dozen tiny kernels, so time follows the number of operations more than the number of tokens: the fixed per-layer work " +
            "of an intervention (attention row, scan, sequence edit) weighs more here than on the 7B-shaped slice.");

        AnsiConsole.MarkupLineInterpolated($"leak check: {leakForwards} forwards per workload");
        var leaks = new[]
        {
            LeakCheckResult.Measure("prefill: vanilla", () => Forward(bundle.Model, ids, features, null), leakForwards),
            LeakCheckResult.Measure("prefill: blink (TokenSR, forced expansion)", () => Forward(bundle.Model, ids, features, methods[3].CreateInterceptor()), leakForwards),
            LeakCheckResult.Measure("greedy decode, 4 tokens: blink (TokenSR, forced expansion)", () =>
            {
                using var s = NewDisposeScope();
                GreedyDecoder.Generate(bundle.Model, ids, null, new GenerationOptions(4), methods[3].CreateInterceptor(), features);
            }, leakForwards),
        };
        report.Section($"Leaks: dispose-scope statistics over {leakForwards} runs (tiny model)",
            ["workload", "runs", "live tensors before", "after", "drift", "created", "disposed", "drift = 0"],
            leaks.Select(l => new[]
            {
                l.Name, l.Runs.ToString(System.Globalization.CultureInfo.InvariantCulture), l.LiveBefore.ToString(System.Globalization.CultureInfo.InvariantCulture),
                l.LiveAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), l.Drift.ToString(System.Globalization.CultureInfo.InvariantCulture),
                l.Created.ToString(System.Globalization.CultureInfo.InvariantCulture), l.Disposed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                l.Drift == 0 ? "PASS" : "FAIL",
            }),
            "TorchSharp's DisposeScopeManager.Statistics on this thread (ThreadTotalLiveCount; created/disposed in and outside scopes), read before and after the runs " +
            "(each run inside its own dispose scope, as the evaluator runs a question). A leak shows as drift > 0.");
        report.Data("leak_check", leaks.Select(l => new { l.Name, l.Runs, l.LiveBefore, l.LiveAfter, l.Drift, l.Created, l.Disposed }).ToArray());
    }

    private static void Forward(LlavaForConditionalGeneration model, Tensor ids, Tensor features, IDecoderInterceptor? interceptor)
    {
        using var scope = NewDisposeScope();
        model.forward(new LlavaInput(ids, null, null, interceptor, LogitsMode.Last, features));
    }
}
