namespace Blink.Workbench.Methods;

/// <summary>
/// One layer's saliency scan: the query's attention over the visual grid, summed per region, and the concentration
/// ρ = mass(r_max) / Σ mass. <see cref="VisualShare"/> is the share of the query's whole attention that went to the
/// image (for the pilot study; NaN for logit scores and in the maps of Blink's own trace, which do not compute it).
/// </summary>
public sealed record SaliencyMap(int Layer, float[] TokenMap, int GridHeight, int GridWidth, RegionGrid Regions, double[] RegionMass, double Rho, int ArgmaxRegion, double VisualShare)
{
    public Region Salient => Regions[ArgmaxRegion];

    /// <summary>ρ of a per-token map on a region tiling: the strongest region's share of the total mass.</summary>
    public static (double Rho, int Argmax, double[] Mass) Concentration(ReadOnlySpan<float> tokenMap, RegionGrid regions)
    {
        var mass = regions.RegionMass(tokenMap);
        var total = 0.0;
        var argmax = 0;
        for (var i = 0; i < mass.Length; i++)
        {
            total += mass[i];
            if (mass[i] > mass[argmax]) argmax = i;
        }
        var rho = total > 0 ? mass[argmax] / total : 0.0;
        return (rho, argmax, mass);
    }
}
