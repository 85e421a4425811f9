using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Blink;

/// <summary>
/// One TokenSR per Blink layer (TokenSR^(L) in the paper's notation). Checkpoint keys are
/// <c>layers.{L}.conv{1,2,3}.{weight,bias}</c>, so a file says which decoder layer each module belongs to.
/// </summary>
public sealed class TokenSRBank : nn.Module<(int Layer, Tensor Patch), Tensor>
{
#pragma warning disable IDE1006
    private readonly ModuleDict<TokenSR> layers;
#pragma warning restore IDE1006

    public TokenSRBank(IEnumerable<int> layerIndices, int hiddenSize, int width, int scale = 2) : base(nameof(TokenSRBank))
    {
        layers = new ModuleDict<TokenSR>();
        foreach (var l in layerIndices.Distinct().Order()) layers.Add(l.ToString(System.Globalization.CultureInfo.InvariantCulture), new TokenSR(hiddenSize, width, scale));
        if (layers.Count == 0) throw new ArgumentException("A TokenSR bank needs at least one layer.");
        HiddenSize = hiddenSize;
        Width = width;
        Scale = scale;
        RegisterComponents();
    }

    public int HiddenSize { get; }
    public int Width { get; }
    public int Scale { get; }

    public IReadOnlyList<int> Layers => layers.keys().Select(int.Parse).ToArray();

    public bool Has(int layer) => layers.ContainsKey(layer.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public TokenSR this[int layer] => Has(layer)
        ? layers[layer.ToString(System.Globalization.CultureInfo.InvariantCulture)]
        : throw new KeyNotFoundException($"This TokenSR bank has no module for layer {layer} (it has {string.Join(", ", Layers)}).");

    public override Tensor forward((int Layer, Tensor Patch) input) => this[input.Layer].forward(input.Patch);

    /// <summary>Default refinement width: 512 for LLaVA's 4096-wide hidden states (paper-notes §4.3), D/8 otherwise, at least 16.</summary>
    public static int DefaultWidth(int hiddenSize) => Math.Max(16, Math.Min(512, hiddenSize / 8));
}
