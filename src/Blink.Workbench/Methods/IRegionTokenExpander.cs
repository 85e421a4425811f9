using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// An expander whose output depends on which region it expands, not only on the region's hidden states: the crop
/// teacher (<see cref="TeacherExpander"/>) computes its tokens from the region's pixels.
/// </summary>
public interface IRegionTokenExpander : ITokenExpander
{
    /// <param name="layer">The decoder layer after which the tokens are inserted.</param>
    /// <param name="region">The p×p region of the grid being expanded.</param>
    /// <param name="patch">[B, D, p, p] the region's hidden states (shape and dtype reference).</param>
    /// <returns>[B, D, s·p, s·p].</returns>
    Tensor Expand(int layer, Region region, Tensor patch);
}
