namespace Blink.Workbench.Methods;

/// <summary>
/// One way of running the model on a question, selectable by name from the CLI, the evaluator and notebooks.
/// <see cref="UsesGroundTruth"/> marks methods that read the evidence box (oracles and the pilot's ground-truth
/// region): they are reference points, never candidates, and tables say so.
/// </summary>
/// <param name="Crop">For <see cref="MethodKind.InputCrop"/>: where the crop comes from and how it is shown.</param>
/// <param name="ViCrop">The attention read for a located crop or a relative-attention region (probe layer, generic prompt, windows).</param>
public sealed record MethodSpec(string Name, string Description, MethodKind Kind, BlinkOptions? Blink = null, int FastVK = 2, double FastVRatio = 0.5,
    CropOptions? Crop = null, ViCropOptions? ViCrop = null)
{
    public bool UsesGroundTruth => Kind == MethodKind.ZoomOracle || Blink?.Region == RegionSelection.Given || Crop?.Source == RegionSource.Evidence;

    /// <summary>Images the answering prompt holds (two for an image and its crop).</summary>
    public int ImagesPerPrompt => Crop?.View == CropView.ImageAndCrop ? 2 : 1;

    /// <summary>True when the method reads attention before answering (a located crop, a relative-attention region).</summary>
    public bool LocatesRegion => (Kind == MethodKind.InputCrop && Crop!.Source != RegionSource.Evidence) || Blink?.Region == RegionSelection.RelativeAttention;

    public bool NeedsTokenSR => Kind == MethodKind.Blink && Blink!.Expander == ExpanderKind.TokenSR;
}
