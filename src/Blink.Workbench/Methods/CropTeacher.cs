using Blink.Workbench.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// The crop teacher's geometry and pooling, shared by TokenSR training (Training.TeacherStudentExtractor) and teacher
/// insertion (<see cref="TeacherExpander"/>), so both make exactly the same target.
/// </summary>
public static class CropTeacher
{
    public static TokenRegion ToTokenRegion(Region region) => new(region.RowStart, region.ColStart, region.RowEnd, region.ColEnd);

    /// <summary>The original-image pixel box the region's tokens see: the teacher's crop (before rounding to pixels).</summary>
    public static PixelBox CropBox(PreprocessGeometry geometry, Region region) => geometry.ToOriginal(ToTokenRegion(region));

    /// <summary>[H·W, D] crop hidden states → adaptive average pool to [D, side, side].</summary>
    public static Tensor PoolTeacher(Tensor imageHidden, int gridHeight, int gridWidth, int side)
    {
        using var scope = NewDisposeScope();
        var grid = imageHidden.view(gridHeight, gridWidth, -1).permute(2, 0, 1).unsqueeze(0);
        return nn.functional.adaptive_avg_pool2d(grid, [side, side]).squeeze(0).contiguous().MoveToOuterDisposeScope();
    }
}
