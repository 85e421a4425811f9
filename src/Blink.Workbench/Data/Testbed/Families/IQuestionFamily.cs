using Blink.Workbench.Imaging;

namespace Blink.Workbench.Data.Testbed;

/// <summary>Which small objects may be added as clutter around a family's scene, and where.</summary>
/// <param name="Allowed">Colour and shape of a filler that cannot be mistaken for what the question asks about.</param>
/// <param name="Where">Where a filler may stand (null: anywhere in the usable area).</param>
internal sealed record FillerRule(Func<string, string, bool> Allowed, Func<PixelBox, bool>? Where = null);

/// <summary>
/// One question family of the testbed: it places the objects its question is about, writes question, answer and
/// evidence box into the plan, and says which clutter may join them. Families draw from the scene's random stream in a
/// fixed order, so a sample is the same bytes wherever it is generated.
/// </summary>
internal interface IQuestionFamily
{
    /// <summary>The category name questions and results are filed under (TestbedVocabulary).</summary>
    string Category { get; }

    /// <summary>Lays out one attempt; null when the objects did not fit (the generator tries a fresh layout).</summary>
    FillerRule? Plan(ScenePlanner scene, int round);
}
