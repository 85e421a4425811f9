using Blink.Workbench.Imaging;
using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>"Is the small red star to the left of the small blue circle?" — true in even rounds, the pair mirrored in odd ones.</summary>
internal sealed class PositionYesNoFamily : IQuestionFamily
{
    public string Category => Position;

    public FillerRule? Plan(ScenePlanner scene, int round)
    {
        var rng = scene.Rng;
        var (ca, sa) = (rng.Pick(ColorNames), rng.Pick(Shapes));
        string cb, sb;
        do (cb, sb) = (rng.Pick(ColorNames), rng.Pick(Shapes)); while (cb == ca && sb == sa);
        var relation = rng.Pick(Relations);
        var yes = round % 2 == 0;
        var pair = scene.PlacePair((ca, sa), (cb, sb), relation, yes);
        if (pair is null) return null;
        scene.Plan.Question = PositionQuestion(ca, sa, relation, cb, sb);
        scene.Plan.Answer = yes ? "yes" : "no";
        scene.Plan.Evidence = PixelBox.Union(pair.Value.A, pair.Value.B);
        return new FillerRule((c, s) => !(c == ca && s == sa) && !(c == cb && s == sb));
    }
}
