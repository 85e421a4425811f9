using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// Blink inside one forward pass. At each participating layer L it scans the last prompt token's attention over the
/// visual grid (SGS); if attention concentrates (ρ &gt; τ_exp) it super-resolves the hidden states of the strongest
/// p×p region (taken from the residual stream after layer L, before any norm) into s·p × s·p tokens and inserts them
/// between the visual and the text tokens for layer L+1 on; when a later layer's ρ falls below τ_drop the inserted
/// tokens are removed and the original sequence is restored (DTR). Decisions are made in the prefill only; decode
/// steps then continue each layer from its own cache. One instance serves one sample at a time.
/// </summary>
public sealed class BlinkInterceptor : IDecoderInterceptor
{
    private readonly BlinkOptions _options;
    private readonly ITokenExpander _expander;
    private readonly Region? _givenRegion;
    private readonly IReadOnlyList<BlinkLayerEvent>? _replay;
    private readonly Random _random;
    private readonly List<(Region Region, int Count)> _active = [];
    private int _forwards;

    /// <param name="options">Validated against the model on the first forward.</param>
    /// <param name="expander">TokenSR (Blink) or interpolation (Blink-interp).</param>
    /// <param name="givenRegion">The region for <see cref="RegionSelection.Given"/>.</param>
    /// <param name="sampleSeed">Mixed into the random-region seed so each sample draws its own, reproducibly.</param>
    public BlinkInterceptor(BlinkOptions options, ITokenExpander expander, Region? givenRegion = null, int sampleSeed = 0)
    {
        _options = options;
        _expander = expander;
        Trace = new BlinkTrace { Options = options };
        _givenRegion = givenRegion;
        if (options.Region is RegionSelection.Given or RegionSelection.RelativeAttention && givenRegion is null)
            throw new ArgumentException($"RegionSelection.{options.Region} needs a region.", nameof(givenRegion));
        if (expander.Scale != options.Scale)
            throw new ArgumentException($"The expander scales by {expander.Scale} but the options say Scale = {options.Scale}.");
        _random = new Random(unchecked(options.Seed * 1_000_003 + sampleSeed));
    }

    private BlinkInterceptor(BlinkOptions options, ITokenExpander expander, IReadOnlyList<BlinkLayerEvent> replay)
        : this(options, expander) => _replay = replay;

    /// <summary>
    /// An interceptor that re-applies recorded decisions (same layers, regions, actions) whatever the attention says:
    /// the uncached reference for "the same edited sequence" when testing cached generation.
    /// </summary>
    public static BlinkInterceptor Replaying(BlinkOptions options, ITokenExpander expander, BlinkTrace trace) => new(options, expander, trace.Events.ToArray());

    public BlinkOptions Options => _options;

    /// <summary>The decisions of the latest prefill.</summary>
    public BlinkTrace Trace { get; }

    public void BeginForward(DecoderState state)
    {
        if (!state.IsPrefill) return;
        if (state.HiddenStates.shape[0] != 1) throw new ArgumentException($"Blink runs one sample at a time; got a batch of {state.HiddenStates.shape[0]}.");
        var layout = state.Layout ?? throw new ArgumentException("Blink needs an image in the prompt (no image tokens were found).");
        layout.RequireSingleImage("Blink");
        _options.Validate(state.NumLayers, layout.GridHeight, layout.GridWidth);
        _active.Clear();
        Trace.Clear();
        Trace.GridSize = layout.GridHeight;
        _forwards++;
    }

    public AttentionRequest BeforeLayer(int layer, DecoderState state)
    {
        if (!state.IsPrefill || !_options.Participates(layer) || _replay is not null) return AttentionRequest.None;
        return SaliencyScanner.Request(state, _options.Query);
    }

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        if (!state.IsPrefill || !_options.Participates(layer)) return;
        var layout = state.Layout!;
        if (_replay is not null)
        {
            foreach (var e in _replay.Where(e => e.Layer == layer && e.Action != BlinkAction.None))
            {
                if (e.Action == BlinkAction.Drop) Drop(state);
                else Expand(state, e.Region!.Value, layer);
                Trace.Add(e with { SequenceLengthAfter = state.Length }, null);
            }
            return;
        }

        var map = SaliencyScanner.Scan(layer, observation, layout, _options.Heads, _options.Scores, _options.PatchSize, visualShare: false);
        var action = BlinkAction.None;
        Region? region = null;
        var before = state.Length;
        var step = layer - _options.FirstLayer;

        var wantDrop = _active.Count > 0 && _options.AllowDrop && _options.Schedule switch
        {
            ExpansionSchedule.Threshold => map.Rho < _options.TauDrop,
            ExpansionSchedule.FixedPeriod => step % (2 * _options.FixedPeriod) == _options.FixedPeriod,
            _ => false,
        };
        if (wantDrop)
        {
            region = _active[^1].Region;
            Drop(state);
            action = BlinkAction.Drop;
        }
        else
        {
            var wantExpand = _active.Count < _options.MaxActiveExpansions && _options.Schedule switch
            {
                ExpansionSchedule.Threshold => map.Rho > _options.TauExpand,
                ExpansionSchedule.FixedPeriod => step % (2 * _options.FixedPeriod) == 0,
                ExpansionSchedule.ForcedOnce => step == 0,
                _ => false,
            };
            if (wantExpand)
            {
                var candidate = ChooseRegion(map);
                if (candidate is { } r && _active.All(a => a.Region != r))
                {
                    Expand(state, r, layer);
                    region = r;
                    action = BlinkAction.Expand;
                }
            }
        }
        Trace.Add(new BlinkLayerEvent(layer, map.Rho, map.Salient, action, region, state.Length - before, state.Length), map);
    }

    private Region? ChooseRegion(SaliencyMap map) => _options.Region switch
    {
        RegionSelection.Salient => map.Salient,
        RegionSelection.Random => map.Regions[_random.Next(map.Regions.Count)],
        RegionSelection.Given or RegionSelection.RelativeAttention => _givenRegion,
        _ => null,
    };

    /// <summary>Inserts the super-resolved region right before the text: [s; v; (earlier SR); SR; t].</summary>
    private void Expand(DecoderState state, Region region, int layer)
    {
        var layout = state.Layout!;
        var hidden = state.HiddenStates;
        var positions = state.PositionIds;
        var device = hidden.device;
        var p = _options.PatchSize;
        var s = _options.Scale;
        var tokenIdx = region.TokenIndices(layout.GridWidth).Select(i => (long)(layout.ImageStart + i)).ToArray();
        var patch = hidden.index_select(1, torch.tensor(tokenIdx, device: device))      // [B, p², D]
            .view(hidden.shape[0], p, p, hidden.shape[2]).permute(0, 3, 1, 2);          // [B, D, p, p]
        var sr = _expander is IRegionTokenExpander byRegion ? byRegion.Expand(layer, region, patch) : _expander.Expand(layer, patch);
        var count = s * p * s * p;
        sr = sr.permute(0, 2, 3, 1).reshape(hidden.shape[0], count, hidden.shape[2]); // row-major sub-tokens

        var at = layout.TextStart;
        var head = hidden.narrow(1, 0, at);
        var tail = hidden.narrow(1, at, hidden.shape[1] - at);
        var newHidden = torch.cat([head, sr.dtype == hidden.dtype ? sr : sr.to(hidden.dtype), tail], dim: 1);

        // Positions are a few hundred integers: edited on the host and uploaded once, rather than as a chain of
        // narrow/add/cat calls that cost more than the whole edit on a small model.
        var batch = (int)positions.shape[0];
        var length = (int)positions.shape[1];
        var old = positions.ToLongArray();
        var edited = new long[batch * (length + count)];
        for (var b = 0; b < batch; b++)
        {
            var src = b * length;
            var dst = b * (length + count);
            Array.Copy(old, src, edited, dst, at);
            for (var i = 0; i < count; i++)
            {
                if (_options.Positions == PositionPolicy.Contiguous) edited[dst + at + i] = old[src + at - 1] + 1 + i;
                else
                {
                    // Sub-token (i, j) of the s·p × s·p patch inherits the position of parent token (i / s, j / s).
                    int row = i / (s * p), col = i % (s * p);
                    edited[dst + at + i] = old[src + layout.ImageStart + (region.RowStart + row / s) * layout.GridWidth + region.ColStart + col / s];
                }
            }
            var shift = _options.Positions == PositionPolicy.Contiguous ? count : 0;
            for (var i = at; i < length; i++) edited[dst + count + i] = old[src + i] + shift;
        }
        var newPositions = torch.tensor(edited, [batch, length + count], device: device);
        _active.Add((region, count));
        state.Replace(newHidden, newPositions, layout.WithInserted(layout.InsertedLength + count), edited.Length > 0 ? edited.Max() + 1 : null);
    }

    /// <summary>Removes every inserted token and restores the original sequence (positions included).</summary>
    private void Drop(DecoderState state)
    {
        var layout = state.Layout!;
        var n = layout.InsertedLength;
        if (n == 0) return;
        var hidden = state.HiddenStates;
        var positions = state.PositionIds;
        var start = layout.InsertedStart;
        var restLength = hidden.shape[1] - start - n;
        var newHidden = torch.cat([hidden.narrow(1, 0, start), hidden.narrow(1, start + n, restLength)], dim: 1);
        var batch = (int)positions.shape[0];
        var length = (int)positions.shape[1];
        var old = positions.ToLongArray();
        var kept = new long[batch * (length - n)];
        var shift = _options.Positions == PositionPolicy.Contiguous ? n : 0;
        for (var b = 0; b < batch; b++)
        {
            var src = b * length;
            var dst = b * (length - n);
            Array.Copy(old, src, kept, dst, start);
            for (var i = start + n; i < length; i++) kept[dst + i - n] = old[src + i] - shift;
        }
        var newPositions = torch.tensor(kept, [batch, length - n], device: positions.device);
        _active.Clear();
        state.Replace(newHidden, newPositions, layout.WithInserted(0), kept.Length > 0 ? kept.Max() + 1 : null);
    }
}
