using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>Turns a p×p patch of residual-stream hidden states into an s·p × s·p patch for one layer.</summary>
public interface ITokenExpander
{
    string Name { get; }
    int Scale { get; }

    /// <param name="layer">The decoder layer whose output the patch comes from.</param>
    /// <param name="patch">[B, D, p, p].</param>
    Tensor Expand(int layer, Tensor patch);
}

/// <summary>Blink-interp: training-free bilinear interpolation.</summary>
public sealed class InterpolationExpander(int scale = 2) : ITokenExpander
{
    public string Name => "interp";
    public int Scale { get; } = scale;
    public Tensor Expand(int layer, Tensor patch) => TokenSR.Interpolate(patch, Scale);
}

/// <summary>Blink: the trained TokenSR module of each layer.</summary>
public sealed class TokenSRExpander(TokenSRBank bank) : ITokenExpander
{
    public string Name => "tokensr";
    public int Scale => Bank.Scale;
    public TokenSRBank Bank { get; } = bank;
    public Tensor Expand(int layer, Tensor patch)
    {
        var dtype = Bank.parameters().First().dtype;
        // Same-dtype conversions are skipped: each is a native call, and on a small model calls are what Blink costs.
        var sr = Bank.forward((layer, patch.dtype == dtype ? patch : patch.to(dtype)));
        return sr.dtype == patch.dtype ? sr : sr.to(patch.dtype);
    }
}
