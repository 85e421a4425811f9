using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Methods;

[Collection("Torch")]
public class BlinkInterceptorTests
{
    // Tiny model: 3 decoder layers, 4×4 grid, image at 3..18, 23 tokens.
    private static BlinkOptions Options(ExpansionSchedule schedule = ExpansionSchedule.Threshold, PositionPolicy positions = PositionPolicy.Contiguous) => new()
    {
        FirstLayer = 0, LastLayer = 1, PatchSize = 2, Schedule = schedule, Positions = positions,
        Expander = ExpanderKind.Interpolation, TauExpand = 0.3, TauDrop = 0.1,
    };

    /// <summary>Records the residual stream around the edit after layer 0.</summary>
    private sealed class Around(int layer) : IDecoderInterceptor
    {
        public Tensor? Before, After, PositionsBefore, PositionsAfter;
        public SequenceLayout? LayoutAfter;

        public void AfterLayer(int l, DecoderState s, AttentionObservation o)
        {
            if (l != layer || !s.IsPrefill) return;
            Before = s.HiddenStates.clone().DetachFromDisposeScope();
            PositionsBefore = s.PositionIds.clone().DetachFromDisposeScope();
        }

        public AttentionRequest BeforeLayer(int l, DecoderState s)
        {
            if (l != layer + 1 || !s.IsPrefill) return AttentionRequest.None;
            After = s.HiddenStates.clone().DetachFromDisposeScope();
            PositionsAfter = s.PositionIds.clone().DetachFromDisposeScope();
            LayoutAfter = s.Layout;
            return AttentionRequest.None;
        }
    }

    [Fact]
    public void ThresholdsThatNeverFire_GiveVanillaLogitsExactly()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var ids = TinyModels.PromptIds();
        var pixels = TinyModels.Pixels();
        var vanilla = model.forward(new LlavaInput(ids, pixels, Logits: LogitsMode.All));
        var blink = new BlinkInterceptor(Options() with { TauExpand = 1.0, TauDrop = 0.0 }, new InterpolationExpander());
        var output = model.forward(new LlavaInput(ids, pixels, Interceptor: blink, Logits: LogitsMode.All));
        TensorAssert.Identical(vanilla.Logits, output.Logits);
        Assert.Equal(2, blink.Trace.Events.Count);
        Assert.All(blink.Trace.Events, e => Assert.Equal(BlinkAction.None, e.Action));
        Assert.All(blink.Trace.Events, e => Assert.InRange(e.Rho, 0.25, 1.0)); // ≥ uniform share of 4 regions
    }

    /// <summary>Bilinear ×2 with align_corners = false, written out by hand for one channel of a 2×2 patch.</summary>
    private static double Bilinear2x(double[,] src, int y, int x)
    {
        static (int, int, double) Coord(int o, int n)
        {
            var c = Math.Max(0, (o + 0.5) / 2 - 0.5);
            var i0 = Math.Min((int)Math.Floor(c), n - 1);
            var i1 = Math.Min(i0 + 1, n - 1);
            return (i0, i1, c - i0);
        }
        var (y0, y1, wy) = Coord(y, 2);
        var (x0, x1, wx) = Coord(x, 2);
        return (1 - wy) * ((1 - wx) * src[y0, x0] + wx * src[y0, x1]) + wy * ((1 - wx) * src[y1, x0] + wx * src[y1, x1]);
    }

    [Fact]
    public void Expansion_InsertsFourPSquaredInterpolatedTokensBeforeTheText()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var around = new Around(0);
        var blink = new BlinkInterceptor(Options(ExpansionSchedule.ForcedOnce), new InterpolationExpander());
        var output = model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels(), Interceptor: new CompositeInterceptor(around, blink)));

        Assert.Equal([23, 39, 39], output.TokensPerLayer);
        var e = blink.Trace.Events[0];
        Assert.Equal(BlinkAction.Expand, e.Action);
        Assert.Equal(16, e.TokensChanged);
        Assert.Equal(e.Salient, e.Region); // salient region chosen
        Assert.Equal(new SequenceLayout(3, 16, 4, 4, 16, 39), around.LayoutAfter);

        var before = around.Before!;
        var after = around.After!;
        TensorAssert.Identical(after[.., ..19], before[.., ..19]);
        TensorAssert.Identical(after[.., 35..], before[.., 19..]);
        TensorAssert.Identical(around.PositionsAfter!, torch.arange(39, dtype: ScalarType.Int64).unsqueeze(0));

        var region = e.Region!.Value;
        var d = (int)before.shape[2];
        for (var ch = 0; ch < d; ch += 7)
        {
            var src = new double[2, 2];
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 2; j++)
                    src[i, j] = before[0, 3 + (region.RowStart + i) * 4 + region.ColStart + j, ch].item<float>();
            for (var y = 0; y < 4; y++)
                for (var x = 0; x < 4; x++)
                    Assert.Equal(Bilinear2x(src, y, x), after[0, 19 + y * 4 + x, ch].item<float>(), 1e-5);
        }
    }

    [Fact]
    public void InheritParentPositions_GiveSubTokensTheirParentsPositionAndLeaveTextAlone()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var around = new Around(0);
        var blink = new BlinkInterceptor(Options(ExpansionSchedule.ForcedOnce, PositionPolicy.InheritParent) with { Region = RegionSelection.Given }, new InterpolationExpander(), new Region(1, 0, 2));
        model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels(), Interceptor: new CompositeInterceptor(around, blink)));
        var pos = around.PositionsAfter![0].data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, 19).Select(i => (long)i), pos[..19]);
        Assert.Equal(Enumerable.Range(19, 4).Select(i => (long)i), pos[35..]);
        // Region (1,0) covers grid rows 2–3, cols 0–1: sequence positions 3 + 8, 9, 12, 13.
        for (var y = 0; y < 4; y++)
            for (var x = 0; x < 4; x++)
                Assert.Equal(3 + (2 + y / 2) * 4 + x / 2, pos[19 + y * 4 + x]);
    }

    [Fact]
    public void Drop_RestoresTheOriginalSequenceBitForBit()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var around = new Around(1);
        var blink = new BlinkInterceptor(Options(ExpansionSchedule.FixedPeriod) with { FixedPeriod = 1 }, new InterpolationExpander());
        var output = model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels(), Interceptor: new CompositeInterceptor(around, blink)));
        Assert.Equal([BlinkAction.Expand, BlinkAction.Drop], blink.Trace.Events.Select(e => e.Action));
        Assert.Equal([23, 39, 23], output.TokensPerLayer);
        Assert.Equal(-16, blink.Trace.Events[1].TokensChanged);
        var b = around.Before!;
        TensorAssert.Identical(around.After!, torch.cat([b[.., ..19], b[.., 35..]], 1));
        TensorAssert.Identical(around.PositionsAfter!, torch.arange(23, dtype: ScalarType.Int64).unsqueeze(0));
        Assert.Equal(new SequenceLayout(3, 16, 4, 4, 0, 23), around.LayoutAfter);
        Assert.Equal(output.Layout, around.LayoutAfter);
    }

    [Theory]
    [InlineData(PositionPolicy.Contiguous)]
    [InlineData(PositionPolicy.InheritParent)]
    public void CachedGenerationAfterExpansion_EqualsUncachedRecomputationOfTheEditedSequence(PositionPolicy positions)
    {
        using var model = TinyModels.Create(seed: 11);
        using var noGrad = torch.no_grad();
        var ids = TinyModels.PromptIds();
        var pixels = TinyModels.Pixels();
        var options = Options(ExpansionSchedule.ForcedOnce, positions);
        var blink = new BlinkInterceptor(options, new InterpolationExpander());
        using var cache = new KvCache(model.DecoderLayerCount);
        var t = (int)ids.shape[1];
        var stepLogits = new List<Tensor> { model.forward(new LlavaInput(ids, pixels, cache, blink)).Logits[0, -1].DetachFromDisposeScope() };
        Assert.Equal(1, blink.Trace.Expansions);
        var generated = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var next = stepLogits[^1].argmax().item<long>();
            generated.Add(next);
            stepLogits.Add(model.forward(new LlavaInput(torch.tensor(new[] { next }).reshape(1, 1), null, cache, blink)).Logits[0, -1].DetachFromDisposeScope());
        }
        Assert.Equal(1, blink.Trace.Expansions); // decode steps decide nothing
        Assert.Equal(t + 16 + 5, cache.Length(2));
        Assert.Equal(t + 5, cache.Length(0));

        var full = torch.cat([ids, torch.tensor(generated.ToArray()).unsqueeze(0)], 1);
        var replay = BlinkInterceptor.Replaying(options, new InterpolationExpander(), blink.Trace);
        var reference = model.forward(new LlavaInput(full, pixels, Interceptor: replay, Logits: LogitsMode.All));
        var shift = reference.Layout!.InsertedLength;
        Assert.Equal(16, shift);
        for (var i = 0; i < stepLogits.Count; i++)
            Assert.True(torch.allclose(stepLogits[i], reference.Logits[0, t - 1 + i + shift], rtol: 0, atol: 1e-4), $"step {i}");
        Assert.Equal(generated.Select(x => (int)x).ToArray()[..4],
            GreedyDecoder.Generate(model, ids, pixels, new GenerationOptions(4), new BlinkInterceptor(options, new InterpolationExpander())).Tokens);
    }

    [Fact]
    public void UntrainedTokenSR_EqualsBlinkInterp()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        torch.manual_seed(0);
        using var bank = new TokenSRBank([0, 1], 32, 8);
        var options = Options(ExpansionSchedule.ForcedOnce);
        var a = model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels(), Interceptor: new BlinkInterceptor(options, new TokenSRExpander(bank)), Logits: LogitsMode.All)).Logits;
        var b = model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels(), Interceptor: new BlinkInterceptor(options, new InterpolationExpander()), Logits: LogitsMode.All)).Logits;
        Assert.True(torch.allclose(a, b, rtol: 0, atol: 1e-6));
        Assert.Equal(["layer_0.conv1.bias", "layer_0.conv1.weight"], bank.state_dict().Keys.Order(StringComparer.Ordinal).Take(2));
    }

    [Fact]
    public void RandomRegion_IsReproducibleBySeedAndVariesAcrossSamples()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        Region? RegionFor(int sampleSeed)
        {
            var blink = new BlinkInterceptor(Options(ExpansionSchedule.ForcedOnce) with { Region = RegionSelection.Random, Seed = 5 }, new InterpolationExpander(), sampleSeed: sampleSeed);
            model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels(), Interceptor: blink));
            return blink.Trace.Events[0].Region;
        }
        var regions = Enumerable.Range(0, 12).Select(RegionFor).ToArray();
        Assert.Equal(regions, Enumerable.Range(0, 12).Select(RegionFor).ToArray());
        Assert.True(regions.Distinct().Count() > 1);
    }

    [Theory]
    [InlineData(3, 0, 1, 0.3, 0.1, "PatchSize p = 3 does not divide the 4×4 token grid")]
    [InlineData(2, 0, 1, 0.1, 0.3, "TauDrop (0.3) must not exceed TauExpand (0.1)")]
    [InlineData(2, 1, 3, 0.3, 0.1, "Blink layers 1..3 are outside the model's decoder layers 0..2")]
    [InlineData(2, -1, 1, 0.3, 0.1, "Blink layers -1..1")]
    public void BadOptions_AreRejectedBeforeAnyCompute(int p, int first, int last, double tauExp, double tauDrop, string message)
    {
        var options = new BlinkOptions { PatchSize = p, FirstLayer = first, LastLayer = last, TauExpand = tauExp, TauDrop = tauDrop };
        var e = Assert.Throws<ArgumentException>(() => options.Validate(TinyModels.Config()));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void UnknownImageGrid_IsRejected()
    {
        var config = TinyModels.Config();
        config.VisionFeatureSelectStrategy = "full";
        var e = Assert.Throws<ArgumentException>(() => new BlinkOptions { FirstLayer = 0, LastLayer = 1, PatchSize = 2 }.Validate(config));
        Assert.Contains("image grid is unknown", e.Message);
    }

    [Fact]
    public void FastV_KeepsExactlyTheMostAttendedImageTokensWithTheirPositions()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        float[]? lastRow = null;
        long[]? positionsAtK = null;
        var observer = new Observer(
            before: (l, s) =>
            {
                if (l == 2) positionsAtK = s.PositionIds[0].data<long>().ToArray();
                return l == 1 ? AttentionRequest.LastRow(s) : AttentionRequest.None;
            },
            after: (l, s, o) => { if (l == 1) lastRow = o.RowProbabilities![0].mean([0L])[-1].data<float>().ToArray(); });
        var fastv = new FastVInterceptor(k: 2, ratio: 0.75);
        var output = model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels(), Interceptor: new CompositeInterceptor(observer, fastv)));
        var expected = Enumerable.Range(3, 16).OrderByDescending(i => lastRow![i]).Take(4).Order().ToArray();
        Assert.Equal(expected, fastv.KeptImageTokens);
        Assert.Equal([23, 23, 11], output.TokensPerLayer);
        Assert.Equal(new long[] { 0, 1, 2 }.Concat(expected.Select(i => (long)i)).Concat([19L, 20, 21, 22]), positionsAtK);
    }

    /// <summary>Passes every call to an inner interceptor and keeps what it asked for and what the layers returned.</summary>
    private sealed class Recording(IDecoderInterceptor inner) : IDecoderInterceptor
    {
        public readonly List<(int Layer, AttentionRequest Request)> Requests = [];
        public readonly List<(int Layer, bool Full, long RowKeys)> Observations = [];
        public void BeginForward(DecoderState state) => inner.BeginForward(state);
        public AttentionRequest BeforeLayer(int layer, DecoderState state)
        {
            var r = inner.BeforeLayer(layer, state);
            Requests.Add((layer, r));
            return r;
        }
        public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
        {
            if (observation.RowProbabilities is { } rows) Observations.Add((layer, observation.Full is not null, rows.shape[2]));
            else if (observation.Full is not null) Observations.Add((layer, true, 0));
            inner.AfterLayer(layer, state, observation);
        }
        public void EndForward(DecoderState state) => inner.EndForward(state);
    }

    [Theory]
    [InlineData(ExpansionSchedule.Threshold)]
    [InlineData(ExpansionSchedule.ForcedOnce)]
    public void BlinkAndFastV_NeverAskForFullAttentionMatrices_OnlyTheLastRow(ExpansionSchedule schedule)
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        foreach (IDecoderInterceptor method in new IDecoderInterceptor[] { new BlinkInterceptor(Options(schedule), new InterpolationExpander()), new FastVInterceptor(2, 0.5) })
        {
            var recording = new Recording(method);
            GreedyDecoder.Generate(model, TinyModels.PromptIds(), TinyModels.Pixels(), new GenerationOptions(3), recording);
            Assert.All(recording.Requests, r => Assert.False(r.Request.Full, $"layer {r.Layer} asked for full matrices"));
            Assert.NotEmpty(recording.Observations);
            Assert.All(recording.Observations, o =>
            {
                Assert.False(o.Full, $"layer {o.Layer} returned full matrices");
                Assert.Equal(1, o.RowKeys); // one query row: O(T) memory, never O(T²)
            });
        }
    }

    private sealed class Observer(Func<int, DecoderState, AttentionRequest> before, Action<int, DecoderState, AttentionObservation> after) : IDecoderInterceptor
    {
        public AttentionRequest BeforeLayer(int layer, DecoderState state) => before(layer, state);
        public void AfterLayer(int layer, DecoderState state, AttentionObservation observation) => after(layer, state, observation);
    }
}
