using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>"What shape is the small orange object?" — the only object of its colour, drawn at the shape size range.</summary>
internal sealed class ShapeFamily : IQuestionFamily
{
    public string Category => Shape;

    public FillerRule? Plan(ScenePlanner scene, int round)
    {
        var shape = scene.Rng.Pick(Shapes);
        var color = scene.Rng.Pick(ColorNames);
        var box = scene.PlaceSmall(shape, color, scene.Layout.Usable, side: scene.ShapeSide());
        if (box is null) return null;
        scene.Plan.Question = ShapeQuestion(color);
        scene.Plan.Answer = shape;
        scene.Plan.Evidence = box.Value;
        return new FillerRule((c, _) => c != color);
    }
}
