using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Models.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Models;

[Collection("Torch")]
public class DecoderNumericsTests
{
    /// <summary>Captures the residual stream entering one layer and what that layer reported of its attention.</summary>
    private sealed class Capture(int layer, AttentionRequest request) : IDecoderInterceptor
    {
        public float[]? Input;
        public long[]? Shape;
        public float[]? Rows;
        public float[]? RowScores;
        public float[]? Full;

        public AttentionRequest BeforeLayer(int l, DecoderState state)
        {
            if (l != layer) return AttentionRequest.None;
            Input = state.HiddenStates.cpu().data<float>().ToArray();
            Shape = state.HiddenStates.shape;
            return request;
        }

        public void AfterLayer(int l, DecoderState state, AttentionObservation o)
        {
            if (l != layer) return;
            Rows = o.RowProbabilities?.cpu().data<float>().ToArray();
            RowScores = o.RowScores?.cpu().data<float>().ToArray();
            Full = o.Full?.cpu().data<float>().ToArray();
        }
    }

    private static float[] Weights(LlavaForConditionalGeneration m, string key) => m.state_dict()[key].cpu().data<float>().ToArray();

    /// <summary>softmax(QKᵀ/√d + causal mask) per head, from the layer's weights, in double precision on the host.</summary>
    private static double[,,] IndependentAttention(LlavaForConditionalGeneration m, int layer, float[] x, int t)
    {
        var c = m.Config.TextConfig;
        int d = c.HiddenSize, h = c.NumAttentionHeads, kvh = c.KeyValueHeads, hd = c.HeadDim;
        var p = $"language_model.model.layers.{layer}.";
        var norm = Weights(m, p + "input_layernorm.weight");
        var wq = Weights(m, p + "self_attn.q_proj.weight");
        var wk = Weights(m, p + "self_attn.k_proj.weight");
        var xn = new double[t, d];
        for (var i = 0; i < t; i++)
        {
            double ms = 0;
            for (var j = 0; j < d; j++) ms += (double)x[i * d + j] * x[i * d + j];
            var r = 1 / Math.Sqrt(ms / d + c.RmsNormEps);
            for (var j = 0; j < d; j++) xn[i, j] = x[i * d + j] * r * norm[j];
        }
        double[,,] Project(float[] w, int heads)
        {
            var o = new double[heads, t, hd];
            for (var i = 0; i < t; i++)
                for (var hh = 0; hh < heads; hh++)
                {
                    var v = new double[hd];
                    for (var e = 0; e < hd; e++)
                    {
                        double s = 0;
                        for (var j = 0; j < d; j++) s += w[(hh * hd + e) * d + j] * xn[i, j];
                        v[e] = s;
                    }
                    // Rotary embedding in closed form: rotate pair (e, e + hd/2) by position · θ^(−2e/hd).
                    for (var e = 0; e < hd / 2; e++)
                    {
                        var angle = i * Math.Pow(c.RopeTheta, -2.0 * e / hd);
                        double a = v[e], b = v[e + hd / 2];
                        o[hh, i, e] = a * Math.Cos(angle) - b * Math.Sin(angle);
                        o[hh, i, e + hd / 2] = b * Math.Cos(angle) + a * Math.Sin(angle);
                    }
                }
            return o;
        }
        var q = Project(wq, h);
        var k = Project(wk, kvh);
        var probs = new double[h, t, t];
        for (var hh = 0; hh < h; hh++)
            for (var i = 0; i < t; i++)
            {
                var kvHead = hh / (h / kvh);
                var s = new double[i + 1];
                for (var j = 0; j <= i; j++)
                {
                    double dot = 0;
                    for (var e = 0; e < hd; e++) dot += q[hh, i, e] * k[kvHead, j, e];
                    s[j] = dot / Math.Sqrt(hd);
                }
                var max = s.Max();
                var z = s.Sum(v => Math.Exp(v - max));
                for (var j = 0; j <= i; j++) probs[hh, i, j] = Math.Exp(s[j] - max) / z;
            }
        return probs;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void ObservedAttention_EqualsIndependentSoftmax(int layer)
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var ids = TinyModels.PromptIds();
        var t = (int)ids.shape[1];
        var rows = new[] { t - 1, 4, 0 };
        var capture = new Capture(layer, new AttentionRequest(rows, Full: true));
        model.forward(new LlavaInput(ids, TinyModels.Pixels(), Interceptor: capture));

        var expected = IndependentAttention(model, layer, capture.Input!, t);
        int heads = model.Config.TextConfig.NumAttentionHeads;
        for (var h = 0; h < heads; h++)
            for (var i = 0; i < t; i++)
                for (var j = 0; j < t; j++)
                    Assert.True(Math.Abs(expected[h, i, j] - capture.Full![(h * t + i) * t + j]) < 1e-5, $"full h{h} q{i} k{j}");
        for (var h = 0; h < heads; h++)
            for (var r = 0; r < rows.Length; r++)
                for (var j = 0; j < t; j++)
                {
                    var got = capture.Rows![(h * rows.Length + r) * t + j];
                    Assert.True(Math.Abs(expected[h, rows[r], j] - got) < 1e-5, $"row h{h} r{rows[r]} k{j}: {expected[h, rows[r], j]} vs {got}");
                    if (j > rows[r]) Assert.True(float.IsNegativeInfinity(capture.RowScores![(h * rows.Length + r) * t + j]));
                }
    }

    [Fact]
    public void Rope_MatchesClosedFormRotation()
    {
        torch.manual_seed(5);
        const int hd = 8;
        var positions = new long[] { 0, 3, 7, 100, 4095 };
        using var rope = new LlamaRotaryEmbedding(hd, 10000);
        var x = torch.randn(1, 2, positions.Length, hd);
        var (cos, sin) = rope.forward(torch.tensor(positions).unsqueeze(0));
        var y = LlamaRotaryEmbedding.Apply(x, cos, sin).data<float>().ToArray();
        var xs = x.data<float>().ToArray();
        for (var h = 0; h < 2; h++)
            for (var i = 0; i < positions.Length; i++)
                for (var e = 0; e < hd / 2; e++)
                {
                    var angle = positions[i] * Math.Pow(10000, -2.0 * e / hd);
                    var baseIdx = (h * positions.Length + i) * hd;
                    double a = xs[baseIdx + e], b = xs[baseIdx + e + hd / 2];
                    Assert.Equal(a * Math.Cos(angle) - b * Math.Sin(angle), y[baseIdx + e], 3);
                    Assert.Equal(b * Math.Cos(angle) + a * Math.Sin(angle), y[baseIdx + e + hd / 2], 3);
                }
    }

    [Fact]
    public void RopeTables_LookupIsBitwiseTheDirectComputation_AndGrowsPastItsCapacity()
    {
        using var rope = new LlamaRotaryEmbedding(16, 10000);
        using var scope = torch.NewDisposeScope();
        // Unordered, repeated and large positions (a Blink edit makes such sequences); 3000 forces the table to grow.
        foreach (var positions in new[] { new long[] { 0, 1, 2, 5, 5, 9, 3 }, new long[] { 7, 2999, 12, 1 } })
        {
            var ids = torch.tensor(positions).unsqueeze(0);
            using var direct = rope.Tables(ids, null, ScalarType.Float32);
            using var looked = rope.Tables(ids, positions.Max() + 1, ScalarType.Float32);
            Assert.Equal(direct.Cos.shape, looked.Cos.shape);
            Assert.Equal(direct.Cos.ToFloatArray(), looked.Cos.ToFloatArray());
            Assert.Equal(direct.SignedSin.ToFloatArray(), looked.SignedSin.ToFloatArray());
        }
        // Half precision tables are a separate cache entry, converted from the same float32 values.
        var half = torch.tensor(new long[] { 4, 0, 8 }).unsqueeze(0);
        using var h1 = rope.Tables(half, null, ScalarType.Float16);
        using var h2 = rope.Tables(half, 9, ScalarType.Float16);
        Assert.Equal(ScalarType.Float16, h2.Cos.dtype);
        Assert.Equal(h1.Cos.ToFloatArray(), h2.Cos.ToFloatArray());
    }

    [Fact]
    public void RopeTables_SignedSinFormEqualsRotateHalf_Bitwise()
    {
        torch.manual_seed(3);
        using var rope = new LlamaRotaryEmbedding(8, 10000);
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(new long[] { 3, 1, 40 }).unsqueeze(0);
        var x = torch.randn(1, 2, 3, 8);
        var (cos, sin) = rope.forward(ids);
        // Hugging Face's form, written out: x·cos + cat(−x₂, x₁)·sin.
        var c = cos.unsqueeze(1);
        var sn = sin.unsqueeze(1);
        var rotated = torch.cat([x.narrow(-1, 4, 4).neg(), x.narrow(-1, 0, 4)], dim: -1);
        var expected = (x * c + rotated * sn).ToFloatArray();
        // Bitwise: the model's numbers (and a retrained checkpoint) must not move in the last bit.
        Assert.Equal(expected, rope.Tables(ids, 41, ScalarType.Float32).Apply(x).ToFloatArray());
        Assert.Equal(expected, rope.Tables(ids, null, ScalarType.Float32).Apply(x).ToFloatArray());
    }

    [Fact]
    public void HostArrays_MatchTheElementAccessor_ForViewsDtypesAndEmptyTensors()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.arange(24, ScalarType.Float32).view(2, 3, 4);
        var view = t.permute(2, 0, 1).narrow(0, 1, 2);                      // non-contiguous
        Assert.False(view.is_contiguous());
        Assert.Equal(view.contiguous().data<float>().ToArray(), view.ToFloatArray());
        Assert.Equal(new float[] { 0, 1, 2 }, torch.tensor(new long[] { 0, 1, 2 }).ToFloatArray());
        Assert.Equal(new long[] { 5, 6, 7 }, torch.arange(5L, 8L).ToLongArray());
        Assert.Equal(new float[] { 1.5f, -2f }, torch.tensor(new[] { 1.5f, -2f }).to(ScalarType.Float16).ToFloatArray());
        Assert.Empty(torch.zeros(0, 4).ToFloatArray());
    }

    [Fact]
    public void CausalMask_LaterTokensNeverChangeEarlierLogits()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var pixels = TinyModels.Pixels();
        var a = model.forward(new LlavaInput(TinyModels.PromptIds(9, 11, 13, 2), pixels, Logits: LogitsMode.All)).Logits;
        var b = model.forward(new LlavaInput(TinyModels.PromptIds(9, 11, 40, 41), pixels, Logits: LogitsMode.All)).Logits;
        var t = a.shape[1];
        Assert.True(torch.allclose(a[.., ..(int)(t - 2)], b[.., ..(int)(t - 2)], rtol: 0, atol: 1e-6));
        Assert.False(torch.allclose(a[.., -1], b[.., -1], rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void KvCachedDecoding_EqualsUncachedRecomputation()
    {
        using var model = TinyModels.Create(seed: 7);
        using var noGrad = torch.no_grad();
        var pixels = TinyModels.Pixels();
        var ids = TinyModels.PromptIds();
        var cached = GreedyDecoder.Generate(model, ids, pixels, new GenerationOptions(8, UseCache: true));
        var uncached = GreedyDecoder.Generate(model, ids, pixels, new GenerationOptions(8, UseCache: false));
        Assert.Equal(8, cached.Tokens.Length);
        Assert.Equal(uncached.Tokens, cached.Tokens);
        Assert.Equal(cached.Tokens, GreedyDecoder.Generate(model, ids, pixels, new GenerationOptions(8)).Tokens);

        // Logit level: decode token by token from the cache, compare with one uncached forward over the whole sequence.
        var full = torch.cat([ids, torch.tensor(cached.Tokens.Select(x => (long)x).ToArray()).unsqueeze(0)], 1);
        var reference = model.forward(new LlavaInput(full, pixels, Logits: LogitsMode.All)).Logits;
        using var cache = new KvCache(model.DecoderLayerCount);
        var t = (int)ids.shape[1];
        var step = model.forward(new LlavaInput(ids, pixels, cache)).Logits;
        Assert.True(torch.allclose(step[0, -1], reference[0, t - 1], rtol: 0, atol: 1e-4));
        for (var i = 0; i < cached.Tokens.Length - 1; i++)
        {
            step = model.forward(new LlavaInput(torch.tensor(new long[] { cached.Tokens[i] }).reshape(1, 1), null, cache)).Logits;
            Assert.True(torch.allclose(step[0, -1], reference[0, t + i], rtol: 0, atol: 1e-4), $"decode step {i}");
        }
        Assert.Equal(t + cached.Tokens.Length - 1, cache.Length(0));
    }

    [Fact]
    public void CandidateScores_EqualLogLikelihoodsFromOneFullForward()
    {
        using var model = TinyModels.Create(seed: 3);
        using var noGrad = torch.no_grad();
        var pixels = TinyModels.Pixels();
        var ids = TinyModels.PromptIds();
        int[][] candidates = [[20], [21, 22], [23, 24, 25]];
        var scores = CandidateScorer.Score(model, ids, pixels, candidates).LogLikelihoods;
        for (var c = 0; c < candidates.Length; c++)
        {
            var seq = torch.cat([ids, torch.tensor(candidates[c].Select(x => (long)x).ToArray()).unsqueeze(0)], 1);
            var logp = model.forward(new LlavaInput(seq, pixels, Logits: LogitsMode.All)).Logits[0].log_softmax(-1);
            var t = (int)ids.shape[1];
            double expected = 0;
            for (var j = 0; j < candidates[c].Length; j++) expected += logp[t - 1 + j, candidates[c][j]].item<float>();
            Assert.Equal(expected, scores[c], 4);
        }
    }

    [Fact]
    public void ImageTokenCountMismatch_IsAClearError()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var ids = torch.tensor(new long[] { 1, TinyModels.ImageToken, TinyModels.ImageToken, 3 }).unsqueeze(0);
        var e = Assert.Throws<ArgumentException>(() => model.forward(new LlavaInput(ids, TinyModels.Pixels())));
        Assert.Contains("2 image tokens but the image gives 16 features", e.Message);
    }

    [Fact]
    public void VanillaForward_ReportsLayoutAndTokensPerLayer()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var ids = TinyModels.PromptIds();
        var output = model.forward(new LlavaInput(ids, TinyModels.Pixels()));
        Assert.Equal([1, 1, 64], output.Logits.shape);
        Assert.Equal(new SequenceLayout(3, 16, 4, 4, 0, 23), output.Layout);
        Assert.Equal(Enumerable.Repeat(23, 3), output.TokensPerLayer);
    }

    [Fact]
    public void RepeatedForwards_LeakNoTensors()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        var ids = TinyModels.PromptIds();
        var pixels = TinyModels.Pixels();
        var observer = new Capture(1, new AttentionRequest([-1], Full: true));
        void Once()
        {
            using var scope = torch.NewDisposeScope();
            using var cache = new KvCache(model.DecoderLayerCount);
            model.forward(new LlavaInput(ids, pixels, cache, observer));
            model.forward(new LlavaInput(torch.tensor(new long[] { 5 }).reshape(1, 1), null, cache, observer));
        }
        for (var i = 0; i < 3; i++) Once();
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 20; i++) Once();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
