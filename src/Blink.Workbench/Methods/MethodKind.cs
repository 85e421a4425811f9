namespace Blink.Workbench.Methods;

public enum MethodKind
{
    /// <summary>The model as it is.</summary>
    Vanilla,
    /// <summary>Blink or one of its ablations (all driven by <see cref="BlinkOptions"/>).</summary>
    Blink,
    /// <summary>FastV token pruning.</summary>
    FastV,
    /// <summary>The model on the ground-truth evidence crop: an upper bound that reads the answer's box.</summary>
    ZoomOracle,
    /// <summary>A crop re-encoded at the input (<see cref="CropOptions"/>): alone, or after the whole image as a second image.</summary>
    InputCrop,
}
