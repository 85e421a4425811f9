using Blink.Workbench.Imaging;
using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// "What color is the small star to the left of the small circle?" — a reference shape flanked on opposite sides by two
/// items of the asked shape in different colours; the answer is the colour on the named side.
/// </summary>
internal sealed class PositionColorFamily : IQuestionFamily
{
    public string Category => Position;

    public FillerRule? Plan(ScenePlanner scene, int round)
    {
        var rng = scene.Rng;
        var shape = rng.Pick(Shapes);
        var reference = rng.Pick(Shapes.Where(s => s != shape).ToArray());
        var relation = rng.Pick(Relations);
        var near = rng.Pick(ColorNames);
        var far = rng.Pick(ColorNames.Where(c => c != near).ToArray());
        // The reference has a third colour, so the answer's colour marks one object of the three.
        var referenceColor = rng.Pick(ColorNames.Where(c => c != near && c != far).ToArray());
        var boxes = scene.PlaceFlanked((referenceColor, reference), shape, near, far, relation);
        if (boxes is null) return null;
        scene.Plan.Question = PositionColorQuestion(shape, relation, reference);
        scene.Plan.Answer = near;
        scene.Plan.Evidence = PixelBox.Union(boxes);
        return new FillerRule((_, s) => s != shape && s != reference);
    }
}
