using Blink.Workbench.Plots;
using SkiaSharp;

namespace Blink.Workbench.Tests.Plots;

public class ColorMapAndRasterTests
{
    [Fact]
    public void Viridis_and_inferno_tables_have_matplotlib_end_points()
    {
        Assert.Equal(256, ColorMap.Viridis.Count);
        Assert.Equal(new SKColor(0x44, 0x01, 0x54), ColorMap.Viridis[0]);
        Assert.Equal(new SKColor(0xFD, 0xE7, 0x25), ColorMap.Viridis[255]);
        Assert.Equal(new SKColor(0x00, 0x00, 0x04), ColorMap.Inferno[0]);
        Assert.Equal(new SKColor(0xFC, 0xFF, 0xA4), ColorMap.Inferno[255]);
        Assert.Equal(ColorMap.Viridis[128], ColorMap.Viridis.Map(0.5));
        Assert.Equal(ColorMap.Viridis[0], ColorMap.Viridis.Map(double.NaN));
        Assert.Equal(ColorMap.Viridis[255], ColorMap.Viridis.Map(7));
    }

    [Fact]
    public void Plotly_colour_scale_samples_the_same_table()
    {
        var scale = ColorMap.Inferno.ToPlotlyColorScale(5);
        Assert.Equal(5, scale.Length);
        Assert.Equal(0.0, scale[0][0]);
        Assert.Equal(1.0, scale[4][0]);
        Assert.Equal("rgb(0,0,4)", scale[0][1]);
        Assert.Equal("rgb(252,255,164)", scale[4][1]);
    }

    [Fact]
    public void Bilinear_upsampling_keeps_cell_centres_and_interpolates_between_them()
    {
        var grid = new float[,] { { 0, 1 } }; // one row, two cells
        var up = Bilinear.Upsample(grid, 4, 1);
        // Pixel centres map to grid x = -0.25, 0.25, 0.75, 1.25 → clamped and interpolated.
        Assert.Equal([0f, 0.25f, 0.75f, 1f], new[] { up[0, 0], up[0, 1], up[0, 2], up[0, 3] });
        var flat = Bilinear.Upsample(new float[,] { { 3, 3 }, { 3, 3 } }, 7, 5);
        foreach (var v in flat) Assert.Equal(3f, v);
    }

    [Fact]
    public void Histogram_bins_values_with_fixed_edges()
    {
        var h = new HistogramSeries { Values = [0, 0.05, 0.1, 0.49, 0.5, 1.0, 1.5, double.NaN, -0.1], BinStart = 0, BinEnd = 1, BinSize = 0.25 };
        Assert.Equal([3, 1, 1, 1], h.Counts()); // 1.0 goes into the last bin; 1.5, NaN and -0.1 are outside
    }

    [Fact]
    public void Nice_ticks_cover_the_range_with_round_steps()
    {
        var ticks = NiceTicks.For(new AxisRange(-0.03, 1.03), 6);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1.0], NiceTicks.For(new AxisRange(-0.03, 1.03), 5));
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], ticks.Select(t => Math.Round(t, 10)).ToArray());
        Assert.Equal("0.4", NiceTicks.Format(0.4, 0.2));
        Assert.Equal("0.25", NiceTicks.Format(0.25, 0.25));
        Assert.Equal(new double[] { 0, 5, 10, 15, 20, 25, 30 }, NiceTicks.For(new AxisRange(0, 31), 7, integerOnly: true));
    }

    [Fact]
    public void Grid_region_boxes_are_row_major_from_top_left()
    {
        var box = ImageBox.FromGridRegion(5, 3); // row 1, column 2
        Assert.Equal(2 / 3.0, box.Left, 9);
        Assert.Equal(1 / 3.0, box.Top, 9);
        Assert.Equal(1.0, box.Right, 9);
        Assert.Equal(2 / 3.0, box.Bottom, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageBox.FromGridRegion(9, 3));
    }
}
