using System.Globalization;
using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>"What digit is shown in red?" — a seven-segment digit (round mod 10), with up to two in other colours.</summary>
internal sealed class DigitFamily : IQuestionFamily
{
    public string Category => Digit;

    public FillerRule? Plan(ScenePlanner scene, int round)
    {
        var rng = scene.Rng;
        var color = rng.Pick(ColorNames);
        var digit = round % 10;
        var box = scene.PlaceDigit(digit, color);
        if (box is null) return null;
        var others = rng.NextInclusive(0, 2);
        var otherColors = ColorNames.Where(c => c != color).ToList();
        for (var i = 0; i < others; i++)
        {
            var c = otherColors[rng.Next(0, otherColors.Count)];
            otherColors.Remove(c);
            scene.PlaceDigit(rng.Next(0, 10), c);
        }
        scene.Plan.Question = DigitQuestion(color);
        scene.Plan.Answer = digit.ToString(CultureInfo.InvariantCulture);
        scene.Plan.Evidence = box.Value;
        return new FillerRule((_, _) => true);
    }
}
