namespace Blink.Workbench.Methods;

public enum BlinkAction { None, Expand, Drop }

/// <summary>
/// What Blink saw and did at one participating layer: the concentration ρ of the scan, the most salient region, the
/// action taken (applied to the input of the next layer), the region it concerned and how many tokens it added (negative
/// for a drop).
/// </summary>
public sealed record BlinkLayerEvent(int Layer, double Rho, Region Salient, BlinkAction Action, Region? Region, int TokensChanged, int SequenceLengthAfter);

/// <summary>The decisions of one prefill, in layer order, with the saliency maps that led to them.</summary>
public sealed class BlinkTrace
{
    private readonly List<BlinkLayerEvent> _events = [];
    private readonly List<SaliencyMap> _maps = [];

    public IReadOnlyList<BlinkLayerEvent> Events => _events;

    /// <summary>The saliency map of every participating layer (same order as <see cref="Events"/>).</summary>
    public IReadOnlyList<SaliencyMap> Maps => _maps;

    /// <summary>Tokens each decoder layer processed in the prefill; filled by the caller from the model output.</summary>
    public IReadOnlyList<int> TokensPerLayer { get; set; } = [];

    /// <summary>The options the trace was recorded with (its thresholds and region size), for charts of it.</summary>
    public BlinkOptions? Options { get; init; }

    /// <summary>Side of the visual token grid of the latest prefill (0 before the first).</summary>
    public int GridSize { get; internal set; }

    public int Expansions => _events.Count(e => e.Action == BlinkAction.Expand);
    public int Drops => _events.Count(e => e.Action == BlinkAction.Drop);

    internal void Add(BlinkLayerEvent e, SaliencyMap? map)
    {
        _events.Add(e);
        if (map is not null) _maps.Add(map);
    }

    internal void Clear()
    {
        _events.Clear();
        _maps.Clear();
    }

    public override string ToString() => string.Join(" ", _events.Select(e =>
        $"L{e.Layer}:ρ={e.Rho:F3}{(e.Action == BlinkAction.None ? "" : $"[{e.Action} {e.Region}]")}"));
}
