using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Decoding;

/// <summary>
/// Per-layer key/value cache. Layers may hold different lengths (Blink inserts tokens in some layers only), so each
/// layer also keeps the RoPE position of its next token. Tensors are detached from dispose scopes and owned here.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;
    private readonly Tensor?[] _nextPosition;

    public KvCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
        _nextPosition = new Tensor?[layers];
    }

    public int LayerCount => _keys.Length;

    public bool IsEmpty => _keys.All(k => k is null);

    /// <summary>Number of cached tokens at a layer.</summary>
    public long Length(int layer) => _keys[layer]?.shape[2] ?? 0;

    /// <summary>[B] int64: RoPE position the next token takes at this layer.</summary>
    public Tensor? NextPosition(int layer) => _nextPosition[layer];

    /// <summary>Appends [B, kvHeads, T, hd] keys/values and returns the full cached tensors (owned by the cache).</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var oldK = _keys[layer];
        var oldV = _values[layer];
        var k = oldK is null ? keys.clone() : torch.cat([oldK, keys], dim: 2);
        var v = oldV is null ? values.clone() : torch.cat([oldV, values], dim: 2);
        _keys[layer] = k.DetachFromDisposeScope();
        _values[layer] = v.DetachFromDisposeScope();
        oldK?.Dispose();
        oldV?.Dispose();
        return (k, v);
    }

    internal void SetNextPosition(int layer, Tensor next)
    {
        var old = _nextPosition[layer];
        _nextPosition[layer] = next.clone().DetachFromDisposeScope();
        old?.Dispose();
    }

    /// <summary>Remembers lengths and positions so speculative tokens (candidate answers) can be rolled back.</summary>
    public Snapshot TakeSnapshot() => new(
        Enumerable.Range(0, LayerCount).Select(Length).ToArray(),
        _nextPosition.Select(p => p?.clone().DetachFromDisposeScope()).ToArray());

    /// <summary>Truncates every layer back to a snapshot.</summary>
    public void Restore(Snapshot snapshot)
    {
        for (var l = 0; l < LayerCount; l++)
        {
            var len = snapshot.Lengths[l];
            if (len > Length(l)) throw new InvalidOperationException($"Cannot restore layer {l} to {len} tokens: it holds {Length(l)}.");
            if (len == 0)
            {
                _keys[l]?.Dispose(); _values[l]?.Dispose();
                _keys[l] = null; _values[l] = null;
            }
            else if (len < Length(l))
            {
                var k = _keys[l]!.narrow(2, 0, len).clone().DetachFromDisposeScope();
                var v = _values[l]!.narrow(2, 0, len).clone().DetachFromDisposeScope();
                _keys[l]!.Dispose(); _values[l]!.Dispose();
                _keys[l] = k; _values[l] = v;
            }
            var p = snapshot.NextPositions[l];
            _nextPosition[l]?.Dispose();
            _nextPosition[l] = p?.clone().DetachFromDisposeScope();
        }
    }

    public void Dispose()
    {
        for (var l = 0; l < LayerCount; l++)
        {
            _keys[l]?.Dispose(); _values[l]?.Dispose(); _nextPosition[l]?.Dispose();
            _keys[l] = null; _values[l] = null; _nextPosition[l] = null;
        }
    }

    public sealed class Snapshot(long[] lengths, Tensor?[] nextPositions) : IDisposable
    {
        public long[] Lengths { get; } = lengths;
        internal Tensor?[] NextPositions { get; } = nextPositions;

        public void Dispose()
        {
            foreach (var p in NextPositions) p?.Dispose();
        }
    }
}
