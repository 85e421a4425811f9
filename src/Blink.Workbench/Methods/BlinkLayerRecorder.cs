using Blink.Workbench.Methods;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// A read-only interceptor for vanilla forwards: at every Blink layer it runs the SGS scan (same query, head
/// aggregation and scores as <see cref="BlinkInterceptor"/>) and, when asked, keeps the residual-stream hidden states
/// of the image tokens — the state Blink's expansion reads (after the layer, before any norm). It never edits the
/// sequence, so the forward stays vanilla.
/// </summary>
public sealed class BlinkLayerRecorder : IDecoderInterceptor, IDisposable
{
    private readonly BlinkOptions _options;
    private readonly HashSet<int> _layers;
    private readonly bool _scan;
    private readonly bool _keepHidden;
    private readonly bool _stop;
    private readonly Dictionary<int, SaliencyMap> _maps = [];
    private readonly Dictionary<int, Tensor> _hidden = [];

    /// <param name="layers">Layers to record (default: the Blink band of <paramref name="options"/>).</param>
    /// <param name="scan">Run the SGS scan (needs the attention row of the last prompt token).</param>
    /// <param name="keepHidden">Keep the image tokens' hidden states as [grid·grid, D] float32 CPU tensors.</param>
    /// <param name="stopAfterLastLayer">End the forward after the last recorded layer (nothing after it is read).</param>
    public BlinkLayerRecorder(BlinkOptions options, IEnumerable<int>? layers = null, bool scan = true, bool keepHidden = true, bool stopAfterLastLayer = false)
    {
        _stop = stopAfterLastLayer;
        _options = options;
        _layers = [.. layers ?? Enumerable.Range(options.FirstLayer, options.LastLayer - options.FirstLayer + 1)];
        _scan = scan;
        _keepHidden = keepHidden;
    }

    public IReadOnlyDictionary<int, SaliencyMap> Maps => _maps;

    /// <summary>Per layer: [grid·grid, D] float32 CPU, row-major over the token grid. Owned by the recorder.</summary>
    public IReadOnlyDictionary<int, Tensor> Hidden => _hidden;

    public SequenceLayout? Layout { get; private set; }

    public void BeginForward(DecoderState state)
    {
        if (!state.IsPrefill) return;
        if (state.HiddenStates.shape[0] != 1) throw new ArgumentException($"The recorder reads one sample at a time; got a batch of {state.HiddenStates.shape[0]}.");
        Layout = state.Layout ?? throw new ArgumentException("TokenSR extraction needs an image in the prompt (no image tokens were found).");
        Layout.RequireSingleImage("The Blink layer recorder");
        Clear();
    }

    public AttentionRequest BeforeLayer(int layer, DecoderState state) =>
        state.IsPrefill && _scan && _layers.Contains(layer) ? SaliencyScanner.Request(state, _options.Query) : AttentionRequest.None;

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        if (!state.IsPrefill || !_layers.Contains(layer)) return;
        var layout = state.Layout!;
        if (_scan) _maps[layer] = SaliencyScanner.Scan(layer, observation, layout, _options.Heads, _options.Scores, _options.PatchSize);
        if (_keepHidden)
        {
            var image = state.HiddenStates[0].narrow(0, layout.ImageStart, layout.ImageLength);
            _hidden[layer] = image.to(ScalarType.Float32).cpu().clone().DetachFromDisposeScope();
        }
        if (_stop && layer == _layers.Max()) state.StopAfterThisLayer();
    }

    private void Clear()
    {
        foreach (var t in _hidden.Values) t.Dispose();
        _hidden.Clear();
        _maps.Clear();
    }

    public void Dispose() => Clear();
}
