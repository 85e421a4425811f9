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
        var exponents = TensorMath.Arange(0, _headDim, 2, device).DividedBy(_headDim);
        return exponents.Times(-Math.Log(_theta)).exp().to(ScalarType.Float32).MoveToOuterDisposeScope();
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

    private readonly object _tableLock = new();
    private (Tensor Cos, Tensor SignedSin, long Capacity)? _table;   // [P, d] for positions 0..P−1

    /// <summary>
    /// The rotary tables of <paramref name="positionIds"/>, ready for every layer. When the caller knows an upper bound
    /// of the positions (<paramref name="positionLimit"/>, exclusive), they are gathered from a cached per-position
    /// table (one index per tensor, bitwise the values <see cref="forward"/> computes); otherwise computed directly.
    /// </summary>
    public RotaryTables Tables(Tensor positionIds, long? positionLimit, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        if (positionLimit is not { } limit || limit <= 0)
        {
            var (cos, sin) = forward(positionIds);
            return RotaryTables.Prepare(cos, sin, dtype).MoveToOuter();
        }
        lock (_tableLock)
        {
            if (_table is not { } t || t.Capacity < limit || t.Cos.dtype != dtype
                || t.Cos.device_type != positionIds.device_type || t.Cos.device_index != positionIds.device_index)
            {
                ReleaseTable();
                var capacity = Math.Max(512, (limit + 255) / 256 * 256);
                var (cos, sin) = forward(TensorMath.Arange(capacity, ScalarType.Int64, positionIds.device).unsqueeze(0));
                var table = RotaryTables.Prepare(cos, sin, dtype);                  // [1, 1, P, d]
                _table = t = (table.Cos[0, 0].contiguous().DetachFromDisposeScope(), table.SignedSin[0, 0].contiguous().DetachFromDisposeScope(), capacity);
            }
            var rows = TensorIndex.Tensor(positionIds.unsqueeze(1));                 // [B, 1, T] → [B, 1, T, d]
            return RotaryTables.Wrap(t.Cos.index(rows), t.SignedSin.index(rows)).MoveToOuter();
        }
    }

    private void ReleaseTable()
    {
        _table?.Cos.Dispose();
        _table?.SignedSin.Dispose();
        _table = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            lock (_tableLock) ReleaseTable();
        base.Dispose(disposing);
    }

    /// <summary>q·cos + rotate_half(q)·sin with rotate_half(x) = [−x₂, x₁]; <paramref name="cos"/> is [B, T, d].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var tables = RotaryTables.Prepare(cos, sin, x.dtype);
        return tables.Apply(x).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// cos and sin of one sequence's positions, laid out once for every layer that uses them: broadcast over heads
/// ([B, 1, T, d]), in the activations' dtype, and with the sign of rotate_half folded into the first half of sin,
/// so that x·cos + rotate_half(x)·sin = x·cos + [x₂, x₁]·sin′ with sin′ = [−sin₁, sin₂]. Exactly the same values as the
/// textbook form (a sign flip is exact; tested bitwise) with four new tensors per application instead of eleven; the decoder
/// prepares them once per forward (and once more after Blink edits the sequence), not once per layer and projection.
/// </summary>
public sealed class RotaryTables : IDisposable
{
    private RotaryTables(Tensor cos, Tensor signedSin)
    {
        Cos = cos;
        SignedSin = signedSin;
    }

    /// <summary>[B, 1, T, d].</summary>
    public Tensor Cos { get; }

    /// <summary>[B, 1, T, d]: [−sin₁, sin₂].</summary>
    public Tensor SignedSin { get; }

    /// <param name="cos">[B, T, d] from <see cref="LlamaRotaryEmbedding.forward"/>.</param>
    /// <param name="sin">[B, T, d].</param>
    /// <param name="dtype">The dtype of the queries and keys they will rotate.</param>
    public static RotaryTables Prepare(Tensor cos, Tensor sin, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var half = sin.shape[^1] / 2;
        var c = cos.unsqueeze(1);
        var signed = torch.cat([sin.narrow(-1, 0, half).neg(), sin.narrow(-1, half, half)], dim: -1).unsqueeze(1);
        if (c.dtype != dtype) c = c.to(dtype);
        if (signed.dtype != dtype) signed = signed.to(dtype);
        return new RotaryTables(c, signed).MoveToOuter();
    }

    internal static RotaryTables Wrap(Tensor cos, Tensor signedSin) => new(cos, signedSin);

    /// <summary>Moves both tensors out of the current dispose scope.</summary>
    public RotaryTables MoveToOuter()
    {
        Cos.MoveToOuterDisposeScope();
        SignedSin.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>Rotates <paramref name="x"/> [B, H, T, d].</summary>
    public Tensor Apply(Tensor x)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var swapped = torch.cat([x.narrow(-1, half, half), x.narrow(-1, 0, half)], dim: -1);
        // mul + add, not addcmul: the fused kernel rounds once (FMA) and would change the model's numbers in the last bit.
        return x.mul(Cos).PlusInPlace(swapped.mul_(SignedSin)).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Cos.Dispose();
        SignedSin.Dispose();
    }
}
