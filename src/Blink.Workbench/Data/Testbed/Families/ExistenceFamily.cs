using Blink.Workbench.Imaging;
using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>"Is there a small red star in the image?" — yes in even rounds, no in odd ones, with near misses in both.</summary>
internal sealed class ExistenceFamily : IQuestionFamily
{
    public string Category => Existence;

    public FillerRule? Plan(ScenePlanner scene, int round)
    {
        var (rng, plan) = (scene.Rng, scene.Plan);
        var color = rng.Pick(ColorNames);
        var shape = rng.Pick(Shapes);
        var yes = round % 2 == 0;
        var area = scene.RandomArea(2.0);
        PixelBox? target = null;
        if (yes && (target = scene.PlaceSmall(shape, color, area)) is null) return null;
        // Near misses appear in yes and no scenes alike, so their presence is no cue; in "no" scenes they are what a
        // person inspects to rule the target out (POPE-style adversarial negatives). The first always has the named
        // colour in another shape, so colour (plain even at the base resolution) never settles the answer: the shape,
        // which needs the zoom, does. The optional second has the named shape in another colour. (Known weakness,
        // docs/testbed.md: "yes" scenes hold one more object of the named colour than "no" scenes; balancing that
        // left the model unable to learn existence in its budget.)
        var nearMisses = rng.NextInclusive(1, 2);
        var missBoxes = new List<PixelBox>();
        for (var k = 0; k < nearMisses; k++)
        {
            var (c, s) = k == 1
                ? (rng.Pick(ColorNames.Where(x => x != color).ToArray()), shape)
                : (color, rng.Pick(Shapes.Where(x => x != shape).ToArray()));
            var box = scene.PlaceSmall(s, c, area);
            if (box is null) return null;
            missBoxes.Add(box.Value);
        }
        plan.Question = ExistenceQuestion(color, shape);
        plan.Answer = yes ? "yes" : "no";
        plan.Evidence = target ?? PixelBox.Union(missBoxes);
        return new FillerRule((c, s) => !(c == color && s == shape));
    }
}
