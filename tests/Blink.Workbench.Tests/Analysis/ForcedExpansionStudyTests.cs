using Blink.Workbench.Analysis;
using Blink.Workbench.Methods;

namespace Blink.Workbench.Tests.Analysis;

public class ForcedExpansionStudyTests
{
    [Fact]
    public void Methods_AreVanillaAndThreeForcedExpansionsAtTheLayer_WithoutTheEvidenceArmWhenBoxesAreMissing()
    {
        var blink = BlinkOptions.ForModel(6, 8);
        var all = ForcedExpansionStudy.Methods(blink, 3, haveEvidence: true);
        Assert.Equal(["vanilla", "forced-salient@3", "forced-random@3", "forced-evidence@3"], all.Select(m => m.Name));
        Assert.All(all.Skip(1), m =>
        {
            Assert.Equal((3, 3), (m.Blink!.FirstLayer, m.Blink.LastLayer));
            Assert.Equal(ExpansionSchedule.ForcedOnce, m.Blink.Schedule);
            Assert.Equal(ExpanderKind.Interpolation, m.Blink.Expander);
        });
        Assert.DoesNotContain(ForcedExpansionStudy.Methods(blink, 3, haveEvidence: false), m => m.UsesGroundTruth);
    }
}
