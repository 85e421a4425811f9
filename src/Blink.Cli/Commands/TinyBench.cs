using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Performance;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Cli.Commands;

/// <summary>The embedded tiny model part of <c>blink bench</c>: prefill of every method on one testbed question.</summary>
internal static class TinyBench
{
    public static void Run(BenchReport report, string modelFolder, Device device, ScalarType dtype, int warmup, int repeats)
    {
        using var bundle = ModelBundle.Load(PilotCommand.ResolveModel(modelFolder), device, dtype);
        var config = bundle.Model.Config;
        var pre = bundle.Preprocessor.Options;
        using var sample = new TestbedGenerator(new TestbedOptions { InputSize = pre.Size, PatchSize = pre.PatchSize }).Generate(TestbedSplit.Test, 0);
        var ids = bundle.PromptIds(sample.Question.Text).to(device);
        var features = bundle.Model.GetImageFeatures(bundle.Preprocessor.ToTensor(sample.Image, device).unsqueeze(0));
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
        };
        AnsiConsole.MarkupLineInterpolated($"tiny model {bundle.ModelId}: {ids.shape[1]} tokens, Blink layers {blink.FirstLayer}–{blink.LastLayer}");
        var prefill = PrefillBenchmark.Prefill(bundle.Model, ids, features, methods, warmup, repeats, s => AnsiConsole.MarkupLineInterpolated($"  {s}"));
        var vanilla = prefill[0];
        report.Section($"Prefill, embedded tiny model ({config.TextConfig.NumHiddenLayers} layers × {config.TextConfig.HiddenSize}, {ids.shape[1]} tokens, vision features precomputed)",
            ["method", "median ms", "± sd", "tokens (Σ layers)", "time ratio", "token ratio", "time / token ratio"],
            prefill.Select(m => new[]
            {
                m.Name, BenchReport.F(m.Median, 2), BenchReport.F(m.StdDev, 2), m.TokensProcessed.ToString(),
                BenchReport.F(m.Median / vanilla.Median), BenchReport.F((double)m.TokensProcessed / vanilla.TokensProcessed),
                BenchReport.F(m.Median / vanilla.Median / ((double)m.TokensProcessed / vanilla.TokensProcessed)),
            }),
            "On a model this small the fixed per-layer work of an intervention (attention row, scan, sequence edit) weighs more than on the 7B-shaped slice below; run on a quiet machine, single runs of a few ms are noisy.");
        report.Data("tiny_prefill", prefill.Select(BenchReport.ToJson).ToArray());
    }
}
