namespace Blink.Workbench.Training;

/// <summary>Which picture of a testbed sample the model sees.</summary>
public enum TestbedView
{
    /// <summary>The whole image at the model's input resolution (what vanilla and Blink see).</summary>
    Base,
    /// <summary>A random crop containing the evidence, resized to the input (training augmentation).</summary>
    RandomZoom,
    /// <summary>The ground-truth evidence crop at full input resolution (the zoom oracle; uses the answer's box).</summary>
    EvidenceCrop,
}
