namespace Blink.Workbench.Methods;

/// <summary>
/// One way of running the model on a question, selectable by name from the CLI, the evaluator and notebooks.
/// <see cref="UsesGroundTruth"/> marks methods that read the evidence box (oracles and the pilot's ground-truth
/// region): they are reference points, never candidates, and tables say so.
/// </summary>
public sealed record MethodSpec(string Name, string Description, MethodKind Kind, BlinkOptions? Blink = null, int FastVK = 2, double FastVRatio = 0.5)
{
    public bool UsesGroundTruth => Kind == MethodKind.ZoomOracle || Blink?.Region == RegionSelection.Given;

    public bool NeedsTokenSR => Kind == MethodKind.Blink && Blink!.Expander == ExpanderKind.TokenSR;
}
