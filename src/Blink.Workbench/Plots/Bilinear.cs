namespace Blink.Workbench.Plots;

/// <summary>
/// Bilinear interpolation of a grid with cell-centred samples (PyTorch's interpolate(mode="bilinear",
/// align_corners=False) convention): output pixel centres are mapped back into the grid and clamped at the edges,
/// so a 24×24 attention grid stretched over a 336×336 picture lines up with the patches it came from.
/// </summary>
public static class Bilinear
{
    /// <summary>Value at grid coordinates (<paramref name="gx"/>, <paramref name="gy"/>); cell (r, c) has its centre at (c, r).</summary>
    public static double Sample(float[,] grid, double gx, double gy)
    {
        int rows = grid.GetLength(0), cols = grid.GetLength(1);
        gx = Math.Clamp(gx, 0, cols - 1);
        gy = Math.Clamp(gy, 0, rows - 1);
        int x0 = (int)Math.Floor(gx), y0 = (int)Math.Floor(gy);
        int x1 = Math.Min(x0 + 1, cols - 1), y1 = Math.Min(y0 + 1, rows - 1);
        double fx = gx - x0, fy = gy - y0;
        double top = grid[y0, x0] * (1 - fx) + grid[y0, x1] * fx;
        double bottom = grid[y1, x0] * (1 - fx) + grid[y1, x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /// <summary>The value the output pixel (<paramref name="px"/>, <paramref name="py"/>) of a <paramref name="width"/> × <paramref name="height"/> upsampling gets.</summary>
    public static double SampleForPixel(float[,] grid, int px, int py, int width, int height) =>
        Sample(grid, (px + 0.5) * grid.GetLength(1) / width - 0.5, (py + 0.5) * grid.GetLength(0) / height - 0.5);

    /// <summary>The grid resized to <paramref name="height"/> rows × <paramref name="width"/> columns.</summary>
    public static float[,] Upsample(float[,] grid, int width, int height)
    {
        var result = new float[height, width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                result[y, x] = (float)SampleForPixel(grid, x, y, width, height);
        return result;
    }
}
