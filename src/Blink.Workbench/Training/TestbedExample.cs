using Blink.Workbench.Data.Testbed;

namespace Blink.Workbench.Training;

/// <summary>One model-ready testbed question: normalised pixels (CHW), prompt ids, the answer and its candidates.</summary>
public sealed record TestbedExample(
    TestbedQuestion Question,
    TestbedView View,
    float[] Pixels,
    long[] PromptIds,
    int AnswerId,
    int[] ChoiceIds,
    int[]? PatchKinds = null,
    int[]? PatchColors = null,
    float[]? EvidenceMask = null)
{
    public string Category => Question.Category;
}
