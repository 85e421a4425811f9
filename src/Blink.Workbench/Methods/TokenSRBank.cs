using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// One TokenSR per Blink layer (TokenSR^(L) in the paper's notation). Checkpoint keys are
/// <c>layer_{L}.conv{1,2,3}.{weight,bias}</c>, so a file says which decoder layer each module belongs to.
/// (Registered one by one rather than through ModuleDict, whose indexers break TorchSharp's Module.to(device, dtype).)
/// </summary>
public sealed class TokenSRBank : nn.Module<(int Layer, Tensor Patch), Tensor>
{
    private readonly SortedDictionary<int, TokenSR> _modules = [];

    public TokenSRBank(IEnumerable<int> layerIndices, int hiddenSize, int width, int scale = 2) : base(nameof(TokenSRBank))
    {
        foreach (var l in layerIndices.Distinct().Order())
        {
            if (l < 0) throw new ArgumentException($"TokenSR layer indices must be ≥ 0, got {l}.");
            var module = new TokenSR(hiddenSize, width, scale);
            _modules[l] = module;
            register_module(KeyPrefix(l), module);
        }
        if (_modules.Count == 0) throw new ArgumentException("A TokenSR bank needs at least one layer.");
        HiddenSize = hiddenSize;
        Width = width;
        Scale = scale;
    }

    public static string KeyPrefix(int layer) => "layer_" + layer.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int HiddenSize { get; }
    public int Width { get; }
    public int Scale { get; }

    public IReadOnlyList<int> Layers => _modules.Keys.ToArray();

    public bool Has(int layer) => _modules.ContainsKey(layer);

    public TokenSR ModuleFor(int layer) => _modules.TryGetValue(layer, out var m)
        ? m
        : throw new KeyNotFoundException($"This TokenSR bank has no module for layer {layer} (it has {string.Join(", ", Layers)}).");

    public override Tensor forward((int Layer, Tensor Patch) input) => ModuleFor(input.Layer).forward(input.Patch);

    /// <summary>Default refinement width: 512 for LLaVA's 4096-wide hidden states (paper-notes §4.3), D/8 otherwise, at least 16.</summary>
    public static int DefaultWidth(int hiddenSize) => Math.Max(16, Math.Min(512, hiddenSize / 8));
}
