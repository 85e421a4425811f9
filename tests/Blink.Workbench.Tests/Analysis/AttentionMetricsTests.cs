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
