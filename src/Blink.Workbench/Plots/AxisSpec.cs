namespace Blink.Workbench.Plots;

/// <summary>One axis of a panel.</summary>
public sealed record AxisSpec
{
    public string? Title { get; init; }

    /// <summary>Fixed range; null = from the data.</summary>
    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary>Larger values first (down for y): image rows, heatmaps of images.</summary>
    public bool Reversed { get; init; }

    /// <summary>Category axis: label i sits at coordinate i (bars, heatmap columns).</summary>
    public string[]? Categories { get; init; }

    /// <summary>No ticks, tick labels or grid (image panels).</summary>
    public bool Hidden { get; init; }

    /// <summary>Ticks only at integer values (layer indices, steps).</summary>
    public bool IntegerTicks { get; init; }

    public static AxisSpec Titled(string? title) => new() { Title = title };
}
