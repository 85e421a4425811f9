using Blink.Workbench.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Language;

/// <summary>
/// Rotary position embedding in Hugging Face's rotate-half convention: frequencies θ^(−2i/d) for i &lt; d/2, repeated
/// for both halves of the head. Positions are explicit per token, so inserted or pruned tokens can carry any position.
/// </summary>
public sealed class LlamaRotaryEmbedding : nn.Module<Tensor, (Tensor Cos, Tensor Sin)>, IDerivedBuffers
{
#pragma warning disable IDE1006
    // Non-persistent buffer: never in checkpoints; always float32 (fp16 frequencies would garble positions in the
    // hundreds), computed on the weights' device when the model is loaded.
    private Tensor inv_freq;
#pragma warning restore IDE1006
    private readonly int _headDim;
    private readonly double _theta;

    public LlamaRotaryEmbedding(int headDim, double theta, Device? device = null) : base(nameof(LlamaRotaryEmbedding))
    {
        _headDim = headDim;
        _theta = theta;
        inv_freq = InverseFrequencies(device);
        register_buffer(nameof(inv_freq), inv_freq, persistent: false);
    }

    /// <summary>Recomputes <c>inv_freq</c> on <paramref name="device"/> (after a meta-device build).</summary>
    public void CreateBuffers(Device device)
    {
        var fresh = InverseFrequencies(device).DetachFromDisposeScope();
        ModuleTensorSlots.ReplaceBuffer(this, nameof(inv_freq), inv_freq, fresh, persistent: false);
    }

    private Tensor InverseFrequencies(Device? device)
    {
        using var scope = NewDisposeScope();
        var exponents = TensorMath.Arange(0, _headDim, 2, device) / _headDim;
        return (exponents * -Math.Log(_theta)).exp().to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <param name="positionIds">[B, T] int64 positions.</param>
    /// <returns>cos and sin, [B, T, headDim], float32.</returns>
    public override (Tensor Cos, Tensor Sin) forward(Tensor positionIds)
    {
        using var scope = NewDisposeScope();
        var freqs = positionIds.to(ScalarType.Float32).unsqueeze(-1) * inv_freq.to(ScalarType.Float32, positionIds.device);
        var emb = torch.cat([freqs, freqs], dim: -1);
        var cos = emb.cos().MoveToOuterDisposeScope();
        var sin = emb.sin().MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary>q·cos + rotate_half(q)·sin with rotate_half(x) = [−x₂, x₁]; <paramref name="cos"/> is [B, T, d].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var c = cos.unsqueeze(1).to(x.dtype);
        var s = sin.unsqueeze(1).to(x.dtype);
        var half = x.shape[^1] / 2;
        var x1 = x[.., .., .., ..(int)half];
        var x2 = x[.., .., .., (int)half..];
        var rotated = torch.cat([-x2, x1], dim: -1);
        return (x * c).Plus(rotated * s).MoveToOuterDisposeScope();
    }
}
