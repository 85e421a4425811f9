using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;

namespace Blink.Workbench.Analysis;

/// <summary>
/// The pilot study's per-layer measures of one attention map over the visual grid (row-major, H·W non-negative
/// values, not necessarily normalised). Pure functions on host arrays, so they are checked by hand in tests.
/// </summary>
public static class AttentionMetrics
{
    /// <summary>Share of the map's mass that falls inside the token box: Σ_box / Σ_all (NaN for an empty map).</summary>
    public static double InBoxShare(ReadOnlySpan<float> map, int gridWidth, TokenRegion box)
    {
        double inside = 0, total = 0;
        for (var i = 0; i < map.Length; i++)
        {
            total += map[i];
            int r = i / gridWidth, c = i % gridWidth;
            if (r >= box.Row0 && r < box.Row1 && c >= box.Col0 && c < box.Col1) inside += map[i];
        }
        return total > 0 ? inside / total : double.NaN;
    }

    /// <summary>What <see cref="InBoxShare"/> is under uniform attention: the box's share of the grid's tokens.</summary>
    public static double UniformShare(TokenRegion box, int gridHeight, int gridWidth) => (double)box.Count / (gridHeight * gridWidth);

    /// <summary>
    /// Shannon entropy of the normalised map divided by log N: 1 for uniform attention, 0 when one token takes it all.
    /// Normalised so grids of different sizes (8×8 tiny model, 24×24 LLaVA) compare.
    /// </summary>
    public static double NormalizedEntropy(ReadOnlySpan<float> map)
    {
        if (map.Length < 2) return 0;
        double total = 0;
        foreach (var v in map) total += v;
        if (!(total > 0)) return double.NaN;
        double h = 0;
        foreach (var v in map)
        {
            if (v <= 0) continue;
            var p = v / total;
            h -= p * Math.Log(p);
        }
        return h / Math.Log(map.Length);
    }

    /// <summary>Intersection over union, in tokens, of a Blink region and a token box.</summary>
    public static double RegionIoU(Region region, TokenRegion box) =>
        IoU(new TokenRegion(region.RowStart, region.ColStart, region.RowEnd, region.ColEnd), box);

    /// <summary>Intersection over union of two token rectangles (0 when both are empty).</summary>
    public static double IoU(TokenRegion a, TokenRegion b)
    {
        var h = Math.Max(0, Math.Min(a.Row1, b.Row1) - Math.Max(a.Row0, b.Row0));
        var w = Math.Max(0, Math.Min(a.Col1, b.Col1) - Math.Max(a.Col0, b.Col0));
        var inter = h * w;
        var union = a.Count + b.Count - inter;
        return union > 0 ? (double)inter / union : 0;
    }

    /// <summary>
    /// Indices of the <paramref name="k"/> largest values. Ties go to the lower index, so the result is deterministic
    /// (uniform attention gives the first k tokens).
    /// </summary>
    public static int[] TopK(ReadOnlySpan<float> map, int k)
    {
        k = Math.Clamp(k, 0, map.Length);
        var values = map.ToArray();
        return Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k).ToArray();
    }

    /// <summary>Jaccard overlap |A ∩ B| / |A ∪ B| of the top-k token sets of two maps (how much the focus stays put).</summary>
    public static double TopKJaccard(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int k)
    {
        var setA = TopK(a, k).ToHashSet();
        var setB = TopK(b, k);
        var inter = setB.Count(setA.Contains);
        var union = setA.Count + setB.Length - inter;
        return union > 0 ? (double)inter / union : double.NaN;
    }
}
