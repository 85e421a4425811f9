using Blink.Workbench.Analysis;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;

namespace Blink.Workbench.Tests.Analysis;

[Collection("Torch")]
public class LayerAttentionStudyTests
{
    [Fact]
    public void Study_OverARandomTinyModel_GivesOneRowPerLayerWithIntervalsAroundTheMean()
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var samples = PilotFixtures.Samples(6);
        var result = LayerAttentionStudy.Run(bundle, samples, new LayerStudyOptions { KeepMapsFor = 2, HeadLayers = [2] });

        Assert.Equal(6, result.DecoderLayers);
        Assert.Equal(Enumerable.Range(0, 6), result.PerLayer.Select(l => l.Layer));
        Assert.Equal(8, result.GridWidth);
        Assert.Equal(2, result.PatchSize);          // BlinkOptions default for an 8×8 grid
        Assert.Equal(4, result.TopK);               // p²
        Assert.Equal(6 * 6, result.ItemMetrics.Count);
        foreach (var l in result.PerLayer)
        {
            Assert.Equal(6, l.Items);
            foreach (var m in new[] { l.VisualShare, l.InBoxShare!, l.Entropy, l.Rho, l.TopRegionIoU! })
            {
                Assert.Equal(6, m.N);
                Assert.InRange(m.Mean, m.Lower, m.Upper);
            }
            Assert.InRange(l.VisualShare.Mean, 0, 1);
            Assert.InRange(l.InBoxShare!.Mean, 0, 1);
            Assert.InRange(l.Rho.Mean, 0.25 / 4, 1); // ≥ uniform share of 16 regions
            Assert.Equal(l.Layer == 0, l.TopKJaccard is null);
        }
        Assert.Equal(2, result.Samples.Count);
        Assert.All(result.Samples, s => Assert.Equal(6, s.Layers.Count));
        Assert.All(result.Samples, s => Assert.Equal(4, s.Layers.Single(l => l.Layer == 2).Heads!.Length)); // 4 heads
        Assert.All(result.Samples, s => Assert.Null(s.Layers.Single(l => l.Layer == 3).Heads));
        Assert.InRange(result.Band.Last, result.Band.First, 4); // never the last layer
        Assert.InRange(result.Band.Peak, result.Band.First, result.Band.Last);
        Assert.NotEmpty(result.PerCategory);

        // The per-layer ρ of a kept sample matches its item metrics, and the map is a distribution over the grid.
        var first = result.Samples[0];
        Assert.Equal(result.ItemMetrics.Where(m => m.Id == first.Id).Select(m => m.Rho), first.Layers.Select(l => l.Rho));

        // JSON round trip keeps the tables and maps.
        var back = System.Text.Json.JsonSerializer.Deserialize<LayerAttentionResult>(result.ToJson(), LayerAttentionResult.Json)!;
        Assert.Equal(result.PerLayer, back.PerLayer);
        Assert.Equal(first.Layers[3].Map, back.Samples[0].Layers[3].Map);
        Assert.Equal(result.Band, back.Band);
    }

    [Fact]
    public void UnderUniformAttention_InBoxShareEqualsTheBoxTokenShare()
    {
        using var bundle = PilotFixtures.RandomTinyBundle(uniformAttention: true);
        var result = LayerAttentionStudy.Run(bundle, PilotFixtures.Samples(3), new LayerStudyOptions { KeepMapsFor = 0 });
        foreach (var m in result.ItemMetrics)
        {
            Assert.Equal(m.UniformInBoxShare!.Value, m.InBoxShare!.Value, 5);
            Assert.Equal(1.0, m.Entropy, 5);
            Assert.Equal(0.0625, m.Rho, 5); // one of 16 regions
        }
        Assert.False(result.Band.FromData); // nothing beats uniform: the scaled paper band
    }

    [Fact]
    public void Recorder_UsesTheLastRowPath_AndFullMatricesOnlyWhereAsked()
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var recorder = new LayerAttentionRecorder(2, headLayers: new HashSet<int> { 1 }, fullLayers: new HashSet<int> { 1 });
        var spy = new RequestSpy(recorder);
        var sample = PilotFixtures.Samples(1)[0];
        using var image = sample.LoadImage();
        using var noGrad = TorchSharp.torch.no_grad();
        var ids = bundle.PromptIds(sample.Prompt);
        bundle.Model.forward(new LlavaInput(ids, bundle.Preprocessor.ToTensor(image).unsqueeze(0), Interceptor: spy));
        var length = (int)ids.shape[1];
        Assert.Equal(6, spy.Requests.Count);
        Assert.All(spy.Requests, r => Assert.Equal([length - 1], r.Request.QueryRows!));
        Assert.Equal([1], spy.Requests.Where(r => r.Request.Full).Select(r => r.Layer));
        var layout = recorder.Layout!;
        Assert.Equal(layout.TextLength, recorder.Layers[1].QueryMaps![0].Length);
        Assert.Null(recorder.Layers[0].QueryMaps);
        // The head mean of the per-head maps is the scan's token map.
        var heads = recorder.Layers[1].HeadMaps!;
        var mean = Enumerable.Range(0, 64).Select(i => heads.Average(h => h[i])).ToArray();
        Assert.Equal(recorder.Layers[1].Scan.TokenMap.Select(v => (double)v), mean.Select(v => (double)v), (a, b) => Math.Abs(a - b) < 1e-6);
        // The last query row of the full matrices is the last-row map.
        Assert.Equal(heads[2].Select(v => (double)v), recorder.Layers[1].QueryMaps![2][^1].Select(v => (double)v), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    /// <summary>Wraps an interceptor and records the attention it asks for, layer by layer (prefill only).</summary>
    private sealed class RequestSpy(IDecoderInterceptor inner) : IDecoderInterceptor
    {
        public List<(int Layer, AttentionRequest Request)> Requests { get; } = [];

        public void BeginForward(DecoderState state) => inner.BeginForward(state);

        public AttentionRequest BeforeLayer(int layer, DecoderState state)
        {
            var request = inner.BeforeLayer(layer, state);
            if (state.IsPrefill) Requests.Add((layer, request));
            return request;
        }

        public void AfterLayer(int layer, DecoderState state, AttentionObservation observation) => inner.AfterLayer(layer, state, observation);

        public void EndForward(DecoderState state) => inner.EndForward(state);
    }
}
