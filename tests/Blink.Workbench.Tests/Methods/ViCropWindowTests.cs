using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;

namespace Blink.Workbench.Tests.Methods;

/// <summary>ViCrop's sliding-window selection on hand-made maps.</summary>
public class ViCropWindowTests
{
    private static float[] Map(int grid, params (int Row, int Col, float Value)[] cells)
    {
        var map = Enumerable.Repeat(0.01f, grid * grid).ToArray();
        foreach (var (r, c, v) in cells) map[r * grid + c] = v;
        return map;
    }

    [Fact]
    public void ATightBlob_GetsTheSmallWindowAroundIt()
    {
        var map = Map(8, (5, 2, 1f), (5, 3, 1f), (6, 2, 1f), (6, 3, 1f));
        Assert.Equal(new TokenRegion(5, 2, 7, 4), RelativeAttentionLocator.SelectWindow(map, 8, [2, 3, 4]));
    }

    [Fact]
    public void AWideBlob_GetsAWiderWindow()
    {
        // A 4×4 blob with a stronger 2×2 centre: the 4-token window stands out most per token.
        var cells = new List<(int, int, float)>();
        for (var r = 1; r < 5; r++)
            for (var c = 2; c < 6; c++)
                cells.Add((r, c, r is 2 or 3 && c is 3 or 4 ? 1f : 0.8f));
        Assert.Equal(new TokenRegion(1, 2, 5, 6), RelativeAttentionLocator.SelectWindow(Map(8, [.. cells]), 8, [2, 3, 4]));
    }

    [Fact]
    public void WindowsThatDoNotFit_OrAWrongMap_AreRefused()
    {
        var map = Map(8);
        Assert.Contains("does not fit inside the 8×8 grid", Assert.Throws<ArgumentException>(() => RelativeAttentionLocator.SelectWindow(map, 8, [8])).Message);
        Assert.Contains("Expected a 4×4 map", Assert.Throws<ArgumentException>(() => RelativeAttentionLocator.SelectWindow(map, 4, [2])).Message);
    }

    [Fact]
    public void WindowSides_ScaleWithTheGrid()
    {
        var o = new ViCropOptions();
        Assert.Equal([2, 3, 4], o.WindowSides(8));
        Assert.Equal([6, 9, 12], o.WindowSides(24));
    }
}
