using Blink.Workbench.Methods;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Performance;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Cli.Commands;

/// <summary>What the slice part of <c>blink bench</c> runs.</summary>
/// <param name="Layers">Decoder layers of the slice (≥ 3 so Blink can act between layers).</param>
/// <param name="Warmup">Untimed warm-up rounds.</param>
/// <param name="Rounds">Timed rounds of the prefill comparison (each runs every method once).</param>
/// <param name="Peer">Run the PyTorch peer in the same rounds.</param>
/// <param name="PeerPython">The interpreter for the peer.</param>
/// <param name="DecodeTokens">New tokens per greedy decode.</param>
internal sealed record SliceBenchSettings(int Layers, int Warmup, int Rounds, bool Peer, string PeerPython, int DecodeTokens);

/// <summary>
/// The LLaVA-7B-shaped decoder slice part of <c>blink bench</c>: prefill of every method and of the attention
/// observers, and the PyTorch peer, all interleaved in the same rounds; then the direct cost of saliency, the
/// expanders' forward, and greedy decoding with and without an active expansion.
/// </summary>
internal static class SliceBench
{
    public static void Run(BenchReport report, SliceBenchSettings s, Device device, ScalarType dtype)
    {
        if (s.Layers < 3) throw new ArgumentException($"--slice-layers must be 0 (skip) or ≥ 3 so Blink can act between layers, got {s.Layers}.");
        var threads = torch.get_num_threads();
        // The peer builds its slice while ours is built (nothing is timed meanwhile).
        var peerStart = StartPeer(s, device, dtype, threads, out var peerSkipped);
        AnsiConsole.MarkupLineInterpolated($"building a {s.Layers}-layer LLaVA-7B-shaped slice (4096 wide, random weights)…");
        Blink.Workbench.Models.LlavaForConditionalGeneration model;
        Tensor ids, features;
        try
        {
            (model, ids, features) = SliceModel.Create(s.Layers, device, dtype);
        }
        catch
        {
            peerStart?.ContinueWith(task => task.Result.Item1?.Dispose(), TaskScheduler.Default);
            throw;
        }
        using var _ = model;
        var t = (int)ids.shape[1];
        var grid = model.Config.VisionConfig.GridSize;
        var blinkLayers = new BlinkOptions { FirstLayer = 1, LastLayer = s.Layers - 2 }.WithPatchSize(BlinkOptions.DefaultPatchSize(grid), grid);
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
        var observers = PrefillBenchmark.ObservationMethods(blinkLayers.PatchSize);

        PyTorchPeer? peer = null;
        string? peerUnavailable = peerSkipped;
        if (peerStart is not null)
        {
            AnsiConsole.MarkupLine("waiting for the PyTorch peer to build its slice…");
            (peer, peerUnavailable) = peerStart.Result;
            if (peer is not null) AnsiConsole.MarkupLineInterpolated($"  peer ready: {peer.Describe()}");
            else AnsiConsole.MarkupLineInterpolated($"  [yellow]PyTorch peer unavailable:[/] {peerUnavailable}");
        }
        using var peerScope = peer;

        var cases = methods.Concat(observers).Select(m => PrefillBenchmark.Prefill(model, ids, features, m)).ToList();
        const string peerName = "PyTorch peer: vanilla prefill";
        if (peer is not null) cases.Add(peer.PrefillCase(peerName));
        AnsiConsole.MarkupLineInterpolated($"prefill: {cases.Count} cases × ({s.Warmup} warm-up + {s.Rounds} timed) interleaved rounds");
        GC.Collect();
        var all = InterleavedRounds.Run(cases, s.Warmup, s.Rounds, p => AnsiConsole.MarkupLineInterpolated($"  {p}"), TimeSpan.FromMilliseconds(250));
        var prefill = all.Take(methods.Length).ToArray();
        var observed = all.Skip(methods.Length).Take(observers.Count).ToArray();
        var vanilla = prefill[0];
        var layerMs = vanilla.Median / s.Layers;

        PrefillTable.Add(report, $"Prefill, LLaVA-7B-shaped slice ({s.Layers} layers × 4096, {t} tokens, {dtype}, {device})", "slice_prefill", prefill,
            n => n.StartsWith("blink", StringComparison.Ordinal), 1,
            "Forced rows keep one expansion active from the first Blink layer on (the cost of an expansion); the threshold row expands only where random " +
            "weights happen to concentrate attention. The zoom oracle is not a row here: in the decoder it is vanilla on other features (the same tokens), " +
            "its extra cost is one more vision pass on the crop, outside this slice.");

        ReportPeer(report, s, peer, peerUnavailable, vanilla, peer is null ? null : all[^1], threads, device, dtype);
        ReportObservation(report, s, device, dtype, model.Config.TextConfig, vanilla, observed, layerMs, t, grid, blinkLayers.PatchSize);
        ReportExpanders(report, s, bank, blinkLayers, device, dtype, layerMs);
        ReportDecode(report, s, model, ids, features, methods[0], methods[3]);
    }

    private static Task<(PyTorchPeer?, string?)>? StartPeer(SliceBenchSettings s, Device device, ScalarType dtype, int threads, out string? skipped)
    {
        skipped = null;
        if (!s.Peer) skipped = "skipped (--no-peer)";
        else if (device.type != DeviceType.CPU || dtype != ScalarType.Float32)
            skipped = $"skipped: the peer runs float32 on the CPU, this bench runs {device} {dtype}";
        if (skipped is not null) return null;
        AnsiConsole.MarkupLineInterpolated($"starting the PyTorch peer ({s.PeerPython} {PyTorchPeer.ScriptPath}, {threads} threads)…");
        return Task.Run(() => PyTorchPeer.TryStart(s.PeerPython, s.Layers, threads, TimeSpan.FromMinutes(15)));
    }

    private static void ReportPeer(BenchReport report, SliceBenchSettings s, PyTorchPeer? peer, string? unavailable, Measurement vanilla, Measurement? python,
        int threads, Device device, ScalarType dtype)
    {
        const double target = 1.10;
        var title = $"Same forward, same threads: C# (TorchSharp) vs PyTorch ({s.Layers}-layer slice, {threads} threads)";
        if (peer is null || python is null)
        {
            var reason = unavailable ?? "unavailable";
            report.Section(title, ["forward", "median ms", "C# / PyTorch", $"≤ {target:0.00}"],
                [["C# (TorchSharp) vanilla prefill", BenchReport.Ms(vanilla.Median), "—", "—"], ["PyTorch peer", "—", "—", "not measured"]],
                $"PyTorch peer not measured: {reason}." + (s.Peer && device.type == DeviceType.CPU && dtype == ScalarType.Float32 ? $" Set it up with `{PyTorchPeer.FixCommand}` (Debian's python3-torch with OpenBLAS), then rerun." : ""));
            report.Data("peer", new { available = false, reason });
            return;
        }
        var ratio = PairedStatistics.Ratio(python, vanilla);
        var verdict = peer.Failure is null ? ratio.AtMost(target) : Verdict.Unresolved;
        report.Section(title, ["forward", "median ms", "IQR ms", "C# / PyTorch (paired median [95% CI])", $"≤ {target:0.00}"],
        [
            ["C# (TorchSharp) vanilla prefill", BenchReport.Ms(vanilla.Median), BenchReport.Iqr(vanilla), BenchReport.Interval(ratio), BenchReport.Text(verdict)],
            ["PyTorch peer (tools/reference/bench_peer.py)", BenchReport.Ms(python.Median), BenchReport.Iqr(python), "1", "—"],
        ],
            $"Peer: {peer.Describe()}; the LLaMA layer code of tools/reference/llava_reference.py (eager attention), fp32, inference_mode, random weights of the same shapes; " +
            "a prefill is embeddings with the image features spliced in, every layer, the final norm and the LM head on the last token, as in C#. " +
            $"Its runs are interleaved with the C# runs in the same rounds, and the ratio is per round. Target: C# within 10% of PyTorch (ratio ≤ {target:0.00})." +
            (peer.Failure is not null ? $" The peer failed during the rounds: {peer.Failure}." : ""));
        report.Data("peer", new
        {
            available = true, info = peer.Info, failure = peer.Failure, csharp = BenchReport.ToJson(vanilla), pytorch = BenchReport.ToJson(python),
            ratio_csharp_over_pytorch = BenchReport.ToJson(ratio), target, verdict = BenchReport.Text(verdict),
        });
    }

    private static void ReportObservation(BenchReport report, SliceBenchSettings s, Device device, ScalarType dtype, Blink.Workbench.Models.LlamaTextConfig text,
        Measurement vanilla, IReadOnlyList<Measurement> observed, double layerMs, int tokens, int grid, int patchSize)
    {
        const double target = 0.02;
        var rounds = Math.Max(30, 5 * s.Rounds);
        var layout = new SequenceLayout(35, grid * grid, grid, grid, 0, tokens);
        AnsiConsole.MarkupLineInterpolated($"saliency: the observation path alone, {rounds} rounds");
        var direct = InterleavedRounds.Run(SaliencyCost.Cases(text, layout, patchSize, device, dtype), 3, rounds);
        var rows = new List<string[]>();
        var json = new List<object>();
        foreach (var m in direct)
        {
            var cost = PairedStatistics.Of(m.Milliseconds);
            var share = cost.Scale(1 / layerMs);
            var applies = !m.Name.StartsWith("full", StringComparison.Ordinal);
            var verdict = applies ? share.AtMost(target) : (Verdict?)null;
            rows.Add([m.Name, BenchReport.Interval(cost, 3), BenchReport.F(100 * share.Median, 3) + "% [" + BenchReport.F(100 * share.Lower, 3) + ", " + BenchReport.F(100 * share.Upper, 3) + "]",
                verdict is { } v ? BenchReport.Text(v) : "only when a study asks"]);
            json.Add(new { measurement = BenchReport.ToJson(m), cost_ms = BenchReport.ToJson(cost), share_of_layer = BenchReport.ToJson(share), target = applies ? target : (double?)null,
                verdict = verdict is { } x ? BenchReport.Text(x) : null });
        }
        report.Section($"Cost of saliency at one layer ({text.NumAttentionHeads} heads × {tokens} tokens, timed alone)",
            ["work at one layer", "median ms [95% CI]", "share of one layer [95% CI]", $"≤ {target:P0}"], rows,
            $"One layer ≈ vanilla prefill / layers = {BenchReport.Ms(layerMs)} ms. The observation code path of LlamaAttention runs on queries and keys of the layer's shape " +
            $"({rounds} interleaved rounds); the scan adds the head mean, the region sums and ρ on the host. Full matrices are built only when a study asks (the pilot's expensive mode).");
        report.Data("saliency_direct", json);

        var inForward = new List<string[]>();
        var inJson = new List<object>();
        foreach (var m in observed)
        {
            var extra = PairedStatistics.Difference(vanilla, m);
            var perLayer = extra.Scale(1.0 / s.Layers);
            var share = PairedStatistics.Ratio(vanilla, m);
            var reading = extra.Resolved
                ? $"{BenchReport.Interval(perLayer, 1)} ms per layer"
                : extra.Rounds < PairedEstimate.MinRoundsForVerdict
                    ? $"not resolved: {extra.Rounds} round(s) (difference {BenchReport.Ms(extra.Lower)} to {BenchReport.Ms(extra.Upper)} ms)"
                    : $"not resolved: the paired difference [{BenchReport.Ms(extra.Lower)}, {BenchReport.Ms(extra.Upper)}] ms includes 0";
            inForward.Add([m.Name, BenchReport.Ms(m.Median), reading, extra.Resolved ? BenchReport.Interval(share, 4) : "—", BenchReport.MiB(m.PeakBytes)]);
            inJson.Add(new { measurement = BenchReport.ToJson(m), extra_ms = BenchReport.ToJson(extra), extra_ms_per_layer = BenchReport.ToJson(perLayer), time_ratio = BenchReport.ToJson(share), resolved = extra.Resolved });
        }
        report.Section("Reading attention inside the forward (every layer observed; same rounds as the prefill table)",
            ["mode", "median ms", "extra vs vanilla (paired median [95% CI])", "time ratio [95% CI]", "peak RSS MiB"], inForward,
            $"Whole-forward differences resolve only costs above the run-to-run noise of {s.Layers} layers; a difference whose interval includes 0 is reported as not resolved, " +
            "never as a (negative) cost. The table above times the same code alone.");
        report.Data("slice_attention_observation", inJson);
    }

    private static void ReportExpanders(BenchReport report, SliceBenchSettings s, TokenSRBank bank, BlinkOptions blink, Device device, ScalarType dtype, double layerMs)
    {
        var rounds = Math.Max(30, 5 * s.Rounds);
        AnsiConsole.MarkupLineInterpolated($"expanders: {rounds} rounds");
        var sr = InterleavedRounds.Run(PrefillBenchmark.ExpanderCases(bank, blink.FirstLayer, blink.PatchSize, device, dtype), 3, rounds);
        report.Section("Expander forward per expansion", ["module", "median ms [95% CI]", "IQR ms", "share of one vanilla layer"],
            sr.Select(m =>
            {
                var e = PairedStatistics.Of(m.Milliseconds);
                return new[] { m.Name, BenchReport.Interval(e, 2), BenchReport.Iqr(m, 2), BenchReport.F(100 * m.Median / layerMs, 3) + "%" };
            }),
            "TokenSR is untrained here (random convolutions, last one zero-initialised); its cost does not depend on the weights.");
        report.Data("expander_forward", sr.Select(BenchReport.ToJson).ToArray());
    }

    private static void ReportDecode(BenchReport report, SliceBenchSettings s, Blink.Workbench.Models.LlavaForConditionalGeneration model, Tensor ids, Tensor features,
        BenchMethod vanilla, BenchMethod blink)
    {
        var rounds = Math.Max(3, (s.Rounds + 1) / 2);
        AnsiConsole.MarkupLineInterpolated($"decode: {s.DecodeTokens} tokens, {rounds} rounds");
        var decode = InterleavedRounds.Run(
            [PrefillBenchmark.Decode(model, ids, features, vanilla, s.DecodeTokens), PrefillBenchmark.Decode(model, ids, features, blink, s.DecodeTokens)],
            1, rounds, p => AnsiConsole.MarkupLineInterpolated($"  {p}"), TimeSpan.FromMilliseconds(250));
        var ratio = PairedStatistics.Ratio(decode[0], decode[1]);
        report.Section($"Greedy decoding with KV cache ({s.DecodeTokens} new tokens, {rounds} interleaved rounds)",
            ["method", "ms per decode step (median)", "IQR ms", "tokens/s", "time vs vanilla (paired median [95% CI])"],
            [
                ["vanilla", BenchReport.Ms(decode[0].Median), BenchReport.Iqr(decode[0]), BenchReport.F(1000 / decode[0].Median, 2), "1"],
                ["blink (TokenSR, expansion active)", BenchReport.Ms(decode[1].Median), BenchReport.Iqr(decode[1]), BenchReport.F(1000 / decode[1].Median, 2), BenchReport.Interval(ratio)],
            ],
            $"Per decode step = (total − prefill) / {s.DecodeTokens - 1}, both clocks from the same generation. With an active expansion the layers after the first " +
            "Blink layer attend to 4p² more cached tokens.");
        report.Data("slice_decode", new { per_step = decode.Select(BenchReport.ToJson).ToArray(), ratio = BenchReport.ToJson(ratio) });
    }
}
