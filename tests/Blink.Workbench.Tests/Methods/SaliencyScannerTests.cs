using Blink.Workbench.Methods;
using Blink.Workbench.Models.Decoding;
using TorchSharp;

namespace Blink.Workbench.Tests.Methods;

[Collection("Torch")]
public class SaliencyScannerTests
{
    [Fact]
    public void Rho_EqualsHandComputationOnAConstructedAttentionMap()
    {
        // Sequence: 2 prefix tokens, a 4×4 image (indices 2..17), 2 text tokens. Two heads, one query row (the last).
        var t = 20;
        var head0 = new float[t];
        var head1 = new float[t];
        head0[0] = 0.2f; head1[0] = 0.4f;                         // attention sink on the prefix
        head0[2 + 0] = 0.3f; head1[2 + 1] = 0.1f;                 // region (0,0): grid cells (0,0) and (0,1)
        head0[2 + 10] = 0.2f; head1[2 + 15] = 0.3f;               // region (1,1): cells (2,2) and (3,3)
        head0[2 + 8] = 0.1f;                                      // region (1,0): cell (2,0)
        head0[19] = 0.2f; head1[19] = 0.2f;                       // the query itself
        var probs = torch.tensor(head0.Concat(head1).ToArray()).reshape(1, 2, 1, t);
        var observation = new AttentionObservation([t - 1], probs.log(), probs, null);
        var layout = new SequenceLayout(2, 16, 4, 4, 0, t);

        var map = SaliencyScanner.Scan(7, observation, layout, HeadAggregation.Mean, SaliencyScores.Softmax, 2);

        // Head-mean image mass per region: (0,0) = (0.3 + 0.1)/2 = 0.2; (1,1) = (0.2 + 0.3)/2 = 0.25; (1,0) = 0.05.
        Assert.Equal(0.2, map.RegionMass[0], 6);
        Assert.Equal(0.0, map.RegionMass[1], 6);
        Assert.Equal(0.05, map.RegionMass[2], 6);
        Assert.Equal(0.25, map.RegionMass[3], 6);
        Assert.Equal(0.25 / 0.5, map.Rho, 6);
        Assert.Equal(new Region(1, 1, 2), map.Salient);
        Assert.Equal(0.5 / 1.0, map.VisualShare, 5); // image mass 0.5 of total head-mean mass 1.0

        var max = SaliencyScanner.Scan(7, observation, layout, HeadAggregation.Max, SaliencyScores.Softmax, 2);
        // Head-max per token: (0,0)=0.3, (0,1)=0.1, (2,2)=0.2, (3,3)=0.3, (2,0)=0.1 → regions 0.4, 0, 0.1, 0.5.
        Assert.Equal(0.5 / 1.0, max.Rho, 6);
        Assert.Equal(3, max.ArgmaxRegion);
    }

    [Theory]
    [InlineData(HeadAggregation.Mean, SaliencyScores.Softmax)]
    [InlineData(HeadAggregation.Max, SaliencyScores.Softmax)]
    [InlineData(HeadAggregation.Mean, SaliencyScores.Logits)]
    [InlineData(HeadAggregation.Max, SaliencyScores.Logits)]
    public void Scan_EqualsTheTensorComputation_OverSeveralRowsAndHeads(HeadAggregation heads, SaliencyScores scores)
    {
        // 3 prefix tokens, a 4×6 image, 5 text tokens; 3 heads, 3 query rows (the all-text query reads several rows).
        torch.manual_seed(11);
        const int t = 3 + 24 + 5;
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn(1, 3, 3, t) * 2;
        var probs = logits.softmax(-1);
        var observation = new AttentionObservation([t - 3, t - 2, t - 1], logits, probs, null);
        var layout = new SequenceLayout(3, 24, 4, 6, 0, t);

        var map = SaliencyScanner.Scan(2, observation, layout, heads, scores, 2);

        // Independent: aggregate heads, keep the image keys, average the rows; logits are shifted to a zero minimum.
        var source = (scores == SaliencyScores.Softmax ? probs : logits)[0];
        var perRow = heads == HeadAggregation.Mean ? source.mean([0L]) : source.amax([0L]);
        var image = perRow.narrow(-1, 3, 24).mean([0L]);
        if (scores == SaliencyScores.Logits) image = image - image.min();
        var expected = image.data<float>().ToArray();
        for (var i = 0; i < 24; i++) Assert.Equal(expected[i], map.TokenMap[i], 5);
        var (rho, argmax, _) = SaliencyMap.Concentration(expected, new RegionGrid(4, 6, 2));
        Assert.Equal(rho, map.Rho, 5);
        Assert.Equal(argmax, map.ArgmaxRegion);
        if (scores == SaliencyScores.Softmax)
        {
            var share = perRow.narrow(-1, 3, 24).sum(-1).mean().item<float>() / perRow.sum(-1).mean().item<float>();
            Assert.Equal(share, map.VisualShare, 5);
        }
        else Assert.True(double.IsNaN(map.VisualShare));
    }

    [Fact]
    public void Scan_RejectsRowsThatEndBeforeTheImage()
    {
        var probs = torch.ones(1, 2, 1, 10) / 10;
        var observation = new AttentionObservation([9], null, probs, null);
        var layout = new SequenceLayout(2, 16, 4, 4, 0, 20);
        var error = Assert.Throws<ArgumentException>(() => SaliencyScanner.Scan(4, observation, layout, HeadAggregation.Mean, SaliencyScores.Softmax, 2));
        Assert.Contains("Layer 4 reported 10 keys", error.Message);
    }

    [Fact]
    public void UniformAttention_GivesTheUniformShare()
    {
        var map = new float[24 * 24];
        Array.Fill(map, 1f / 576);
        var (rho, _, mass) = SaliencyMap.Concentration(map, new RegionGrid(24, 24, 4));
        Assert.Equal(36, mass.Length);
        Assert.Equal(16.0 / 576, rho, 6);
    }
}
