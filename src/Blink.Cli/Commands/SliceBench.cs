using Blink.Workbench.Methods;
using Blink.Workbench.Performance;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Cli.Commands;

/// <summary>The LLaVA-7B-shaped decoder slice part of <c>blink bench</c>.</summary>
internal static class SliceBench
{
    public static void Run(BenchReport report, int layers, Device device, ScalarType dtype, int warmup, int repeats)
    {
        if (layers < 3) throw new ArgumentException($"--slice-layers must be 0 (skip) or ≥ 3 so Blink can act between layers, got {layers}.");
        AnsiConsole.MarkupLineInterpolated($"building a {layers}-layer LLaVA-7B-shaped slice (4096 wide, random weights)…");
        var (model, ids, features) = SliceModel.Create(layers, device, dtype);
        using var _ = model;
        var t = (int)ids.shape[1];
        var grid = model.Config.VisionConfig.GridSize;
        var blinkLayers = new BlinkOptions { FirstLayer = 1, LastLayer = layers - 2, PatchSize = BlinkOptions.DefaultPatchSize(grid) };
        var uniform = (double)blinkLayers.PatchSize * blinkLayers.PatchSize / (grid * grid);
        blinkLayers = blinkLayers with { TauExpand = 3 * uniform, TauDrop = 1.5 * uniform };
        using var bank = new TokenSRBank(Enumerable.Range(blinkLayers.FirstLayer, blinkLayers.LastLayer - blinkLayers.FirstLayer + 1), 4096, TokenSRBank.DefaultWidth(4096));
        bank.to(device, dtype);
        var interp = new InterpolationExpander();
        var tokensr = new TokenSRExpander(bank);
        var forced = blinkLayers with { Schedule = ExpansionSchedule.ForcedOnce };
        var methods = new[]
        {
            new BenchMethod("vanilla", () => null),
            new BenchMethod("blink-interp (thresholds)", () => new BlinkInterceptor(blinkLayers with { Expander = ExpanderKind.Interpolation }, interp)),
            new BenchMethod("blink-interp (forced expansion)", () => new BlinkInterceptor(forced with { Expander = ExpanderKind.Interpolation }, interp)),
            new BenchMethod("blink (TokenSR, forced expansion)", () => new BlinkInterceptor(forced, tokensr)),
            new BenchMethod("fastv (K=2, R=0.5)", () => new FastVInterceptor(2, 0.5)),
        };
        var prefill = PrefillBenchmark.Prefill(model, ids, features, methods, warmup, repeats, s => AnsiConsole.MarkupLineInterpolated($"  {s}"));
        var vanilla = prefill[0];
        report.Section($"Prefill, LLaVA-7B-shaped slice ({layers} layers × 4096, {t} tokens, {dtype}, {device})",
            ["method", "median ms", "± sd", "tokens (Σ layers)", "time ratio", "token ratio", "time / token ratio", "peak RSS MiB"],
            prefill.Select(m => new[]
            {
                m.Name, BenchReport.Ms(m.Median), BenchReport.Ms(m.StdDev), m.TokensProcessed.ToString(),
                BenchReport.F(m.Median / vanilla.Median), BenchReport.F((double)m.TokensProcessed / vanilla.TokensProcessed),
                BenchReport.F(m.Median / vanilla.Median / ((double)m.TokensProcessed / vanilla.TokensProcessed)), BenchReport.MiB(m.PeakBytes),
            }),
            "Target: time / token ratio ≤ 1.03 for the Blink rows (Blink costs no more than the tokens it adds). Forced rows keep one expansion active from the first Blink layer on.");
        report.Data("slice_prefill", prefill.Select(BenchReport.ToJson).ToArray());

        var observation = PrefillBenchmark.AttentionObservation(model, ids, features, warmup, repeats);
        var baseMs = observation[0].Median;
        report.Section("Cost of reading attention (same slice, every layer observed)",
            ["mode", "median ms", "extra ms per layer", "extra / layer time", "peak RSS MiB"],
            observation.Select(m => new[]
            {
                m.Name, BenchReport.Ms(m.Median), BenchReport.Ms((m.Median - baseMs) / layers),
                BenchReport.F((m.Median - baseMs) / baseMs, 4), BenchReport.MiB(m.PeakBytes),
            }),
            "Target: the saliency scan (last-row path + scan) ≤ 2% of a layer's time; full matrices are only built when a study asks.");
        report.Data("slice_attention_observation", observation.Select(BenchReport.ToJson).ToArray());

        var sr = PrefillBenchmark.TokenSRCost(4096, blinkLayers.PatchSize, device, dtype, warmup, Math.Max(5, repeats));
        report.Section("TokenSR forward per expansion", ["module", "median ms", "± sd", "share of one vanilla layer"],
            [[sr.Name, BenchReport.Ms(sr.Median), BenchReport.Ms(sr.StdDev), BenchReport.F(sr.Median / (vanilla.Median / layers), 4)]]);
        report.Data("tokensr_forward", BenchReport.ToJson(sr));

        const int newTokens = 8;
        var decodeVanilla = PrefillBenchmark.Decode(model, ids, features, methods[0], newTokens, repeats);
        var decodeBlink = PrefillBenchmark.Decode(model, ids, features, methods[3], newTokens, repeats);
        double PerToken(Measurement d, Measurement p) => (d.Median - p.Median) / (newTokens - 1);
        var vTok = PerToken(decodeVanilla, prefill[0]);
        var bTok = PerToken(decodeBlink, prefill[3]);
        report.Section($"Greedy decoding with KV cache ({newTokens} new tokens)",
            ["method", "total median ms", "ms per decode token (total − prefill) / 7", "tokens/s"],
            [
                ["vanilla", BenchReport.Ms(decodeVanilla.Median), BenchReport.Ms(vTok), BenchReport.F(1000 / vTok, 2)],
                ["blink (expansion active)", BenchReport.Ms(decodeBlink.Median), BenchReport.Ms(bTok), BenchReport.F(1000 / bTok, 2)],
            ]);
        report.Data("slice_decode", new[] { BenchReport.ToJson(decodeVanilla), BenchReport.ToJson(decodeBlink) });
    }
}
