using Blink.Workbench.Analysis;
using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;

namespace Blink.Workbench.Tests.Analysis;

public class AttentionMetricsTests
{
    // A 4×4 grid, row-major. Mass 0.4 at (0,0), 0.2 at (0,1), 0.2 at (1,1), 0.1 at (3,3), 0.1 at (2,0); total 1.0.
    private static float[] Map()
    {
        var m = new float[16];
        m[0] = 0.4f; m[1] = 0.2f; m[5] = 0.2f; m[15] = 0.1f; m[8] = 0.1f;
        return m;
    }

    [Fact]
    public void InBoxShare_SumsTheBoxOverTheTotal()
    {
        // Box rows [0,2) cols [0,2) holds (0,0), (0,1), (1,1) = 0.8 of 1.0.
        Assert.Equal(0.8, AttentionMetrics.InBoxShare(Map(), 4, new TokenRegion(0, 0, 2, 2)), 6);
        // Box rows [2,4) cols [0,1) holds (2,0) only.
        Assert.Equal(0.1, AttentionMetrics.InBoxShare(Map(), 4, new TokenRegion(2, 0, 4, 1)), 6);
        // Scale-free: an unnormalised map gives the same share.
        Assert.Equal(0.8, AttentionMetrics.InBoxShare(Map().Select(v => v * 7).ToArray(), 4, new TokenRegion(0, 0, 2, 2)), 5);
    }

    [Fact]
    public void InBoxShare_UnderUniformAttention_IsTheBoxTokenShare()
    {
        var uniform = Enumerable.Repeat(1f / 64, 64).ToArray();
        var box = new TokenRegion(1, 2, 4, 7); // 3 × 5 = 15 tokens of 64
        Assert.Equal(15.0 / 64, AttentionMetrics.InBoxShare(uniform, 8, box), 6);
        Assert.Equal(15.0 / 64, AttentionMetrics.UniformShare(box, 8, 8), 12);
    }

    [Fact]
    public void Entropy_IsNormalisedByLogN()
    {
        var p = new[] { 0.4, 0.2, 0.2, 0.1, 0.1 };
        var expected = -p.Sum(x => x * Math.Log(x)) / Math.Log(16);
        Assert.Equal(expected, AttentionMetrics.NormalizedEntropy(Map()), 6);
        Assert.Equal(1.0, AttentionMetrics.NormalizedEntropy(Enumerable.Repeat(0.5f, 16).ToArray()), 9);
        var peaked = new float[16];
        peaked[3] = 1;
        Assert.Equal(0.0, AttentionMetrics.NormalizedEntropy(peaked), 12);
    }

    [Fact]
    public void RegionIoU_CountsTokens()
    {
        // Region (0,0) with p = 2 covers rows [0,2) cols [0,2) (4 tokens); box rows [1,3) cols [1,4) (6 tokens).
        // Overlap: row 1, cols 1 → 1 token. Union 4 + 6 − 1 = 9.
        Assert.Equal(1.0 / 9, AttentionMetrics.RegionIoU(new Region(0, 0, 2), new TokenRegion(1, 1, 3, 4)), 12);
        Assert.Equal(1.0, AttentionMetrics.RegionIoU(new Region(1, 1, 2), new TokenRegion(2, 2, 4, 4)), 12);
        Assert.Equal(0.0, AttentionMetrics.RegionIoU(new Region(0, 0, 2), new TokenRegion(2, 2, 4, 4)), 12);
    }

    [Fact]
    public void TopKJaccard_ComparesTheTopTokenSets()
    {
        var a = Map();                     // top 3: {0, 1, 5} (1 and 5 tie at 0.2: lower index first)
        var b = new float[16];
        b[0] = 0.5f; b[5] = 0.3f; b[9] = 0.2f; // top 3: {0, 5, 9}
        Assert.Equal([0, 1, 5], AttentionMetrics.TopK(a, 3));
        // |{0,5}| / |{0,1,5,9}| = 2 / 4.
        Assert.Equal(0.5, AttentionMetrics.TopKJaccard(a, b, 3), 12);
        Assert.Equal(1.0, AttentionMetrics.TopKJaccard(a, a, 5), 12);
    }
}

public class LayerBandTests
{
    private static LayerSummary Row(int layer, double excess, double halfWidth)
    {
        var m = new MetricSummary(10, excess, excess - halfWidth, excess + halfWidth);
        var one = new MetricSummary(10, 0.5, 0.4, 0.6);
        return new LayerSummary(layer, 10, one, one, one, m, one, one, one, one);
    }

    [Fact]
    public void Band_GrowsFromTheClearPeak_OverLayersWithAtLeastHalfItsScore()
    {
        // Excess per layer 0..7; layer 7 (the last) is not eligible even though it scores highest.
        double[] excess = [0.00, 0.02, 0.05, 0.10, 0.06, 0.04, 0.01, 0.50];
        var rows = excess.Select((e, l) => Row(l, e, 0.01)).ToList();
        var band = LayerAttentionStudy.RecommendBand(rows, 0.0625, BlinkOptions.ForModel(8, 8));
        Assert.True(band.FromData);
        Assert.Equal((2, 4, 3), (band.First, band.Last, band.Peak)); // 0.05 and 0.06 ≥ 0.05; 0.04 and 0.02 are not
        Assert.Equal("in-box excess", band.Criterion);
    }

    [Fact]
    public void Band_FallsBackToThePaperBand_WhenThePeakIsNotClearlyAboveUniform()
    {
        var rows = Enumerable.Range(0, 8).Select(l => Row(l, l == 3 ? 0.01 : 0.0, 0.05)).ToList();
        var fallback = BlinkOptions.ForModel(8, 8);
        var band = LayerAttentionStudy.RecommendBand(rows, 0.0625, fallback);
        Assert.False(band.FromData);
        Assert.Equal((fallback.FirstLayer, fallback.LastLayer), (band.First, band.Last));
    }
}
