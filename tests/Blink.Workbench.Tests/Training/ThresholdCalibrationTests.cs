using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Training;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class ThresholdCalibrationTests
{
    [Fact]
    public void Calibration_HitsTheTargetTriggerShare_OnTheCalibrationSet()
    {
        using var bundle = TokenSRFixtures.Bundle();
        var blink = TokenSRFixtures.Blink(bundle);
        var data = TokenSRFixtures.Data(TestbedSplit.Val, 5);
        var result = ThresholdCalibration.Run(bundle, data, new ThresholdCalibrationOptions { Blink = blink, TargetShare = 0.4 });
        Assert.Equal([2, 3], result.RhoByLayer.Keys.Order());
        Assert.All(result.RhoByLayer.Values, v => Assert.Equal(5, v.Length));
        Assert.Equal(4.0 / 64, result.Uniform);
        Assert.Equal(0.4, result.TriggerShare, 10);             // 4 of 10 events above τ_exp
        var events = result.RhoByLayer.Values.SelectMany(v => v).ToArray();
        Assert.Equal(4, events.Count(r => r > result.TauExpand));
        Assert.Equal((result.Uniform + result.TauExpand) / 2, result.TauDrop, 12);
        Assert.True(result.Quantiles["q05"] <= result.Quantiles["q50"] && result.Quantiles["q50"] <= result.Quantiles["q95"]);
        var applied = result.Apply(blink);
        Assert.Equal(result.TauExpand, applied.TauExpand);
        applied.Validate(bundle.Model.Config);
    }

    [Fact]
    public void FromRho_UsesTheUpperQuantileForExpand_AndTheDropQuantileWhenGiven()
    {
        var rho = new Dictionary<int, double[]> { [2] = [0.10, 0.20, 0.30, 0.40, 0.50], [3] = [0.15, 0.25, 0.35, 0.45, 0.55] };
        var r = ThresholdCalibration.FromRho(rho, new ThresholdCalibrationOptions { Blink = new(), TargetShare = 0.3, DropQuantile = 0.25 }, 0.05);
        Assert.Equal((0.40 + 0.45) / 2, r.TauExpand, 12);       // 3 of 10 above
        Assert.Equal(0.3, r.TriggerShare, 12);
        Assert.Equal(ThresholdCalibration.Quantile([0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55], 0.25), r.TauDrop, 12);
        Assert.Equal(0.2125, r.TauDrop, 12);
    }
}
