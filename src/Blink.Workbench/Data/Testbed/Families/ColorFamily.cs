using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>"What color is the small triangle?" — the only object of its shape in the scene.</summary>
internal sealed class ColorFamily : IQuestionFamily
{
    public string Category => Color;

    public FillerRule? Plan(ScenePlanner scene, int round)
    {
        var shape = scene.Rng.Pick(Shapes);
        var color = scene.Rng.Pick(ColorNames);
        var box = scene.PlaceSmall(shape, color, scene.Layout.Usable);
        if (box is null) return null;
        scene.Plan.Question = ColorQuestion(shape);
        scene.Plan.Answer = color;
        scene.Plan.Evidence = box.Value;
        return new FillerRule((_, s) => s != shape);
    }
}
