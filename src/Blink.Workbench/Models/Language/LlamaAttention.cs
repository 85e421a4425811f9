using Blink.Workbench.Models.Decoding;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models.Language;

public sealed record AttentionInput(Tensor HiddenStates, RotaryTables Rotary, KvCache? Cache, AttentionRequest Request);

public sealed record AttentionOutput(Tensor HiddenStates, AttentionObservation Observation);

/// <summary>
/// Causal self-attention with rotary positions and grouped-query heads. The output always comes from the fused
/// scaled-dot-product kernel; attention probabilities are computed separately, and only for what an observer asked:
/// a few query rows (cheap, O(T)) or the full matrices (the pilot study's expensive mode).
/// </summary>
public sealed class LlamaAttention : nn.Module<AttentionInput, AttentionOutput>
{
#pragma warning disable IDE1006
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
#pragma warning restore IDE1006
    private readonly int _layerIndex;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public LlamaAttention(LlamaTextConfig config, int layerIndex, Device? device = null) : base(nameof(LlamaAttention))
    {
        _layerIndex = layerIndex;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: config.AttentionBias, device: device);
        k_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.AttentionBias, device: device);
        v_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: config.AttentionBias, device: device);
        o_proj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: config.AttentionBias, device: device);
        RegisterComponents();
    }

    public override AttentionOutput forward(AttentionInput input)
    {
        using var scope = NewDisposeScope();
        var x = input.HiddenStates;
        long b = x.shape[0], tq = x.shape[1];
        var q = q_proj.forward(x).view(b, tq, _heads, _headDim).transpose(1, 2);
        var k = k_proj.forward(x).view(b, tq, _kvHeads, _headDim).transpose(1, 2);
        var v = v_proj.forward(x).view(b, tq, _kvHeads, _headDim).transpose(1, 2);
        q = input.Rotary.Apply(q);
        k = input.Rotary.Apply(k);
        if (input.Cache is not null) (k, v) = input.Cache.Append(_layerIndex, k, v);
        var tk = k.shape[2];
        if (_kvHeads != _heads)
        {
            var rep = _heads / _kvHeads;
            k = k.repeat_interleave(rep, dim: 1);
            v = v.repeat_interleave(rep, dim: 1);
        }

        // Queries sit at the end of the key sequence (cached tokens come first): query i may see keys ≤ i + offset.
        var offset = tk - tq;
        Tensor o;
        if (tq == 1) o = nn.functional.scaled_dot_product_attention(q, k, v);
        else if (offset == 0) o = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        else o = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: CausalMask(Enumerable.Range(0, (int)tq).ToArray(), offset, tk, x.device));

        var observation = Observe(input.Request, q, k, offset, _headDim, _layerIndex);
        o = o.transpose(1, 2).reshape(b, tq, _heads * _headDim);
        var output = o_proj.forward(o);
        return new AttentionOutput(output.MoveToOuterDisposeScope(), MoveOut(observation));
    }

    /// <summary>
    /// The attention an observer asked for, from a layer's queries [B, H, Tq, hd] and keys [B, H, Tk, hd] (after RoPE,
    /// key heads already repeated); the queries sit at key index offset + row. Internal so the benchmark can time it
    /// on its own (the cost of saliency).
    /// </summary>
    internal static AttentionObservation Observe(AttentionRequest request, Tensor q, Tensor k, long offset, int headDim, int layerIndex)
    {
        if (request.IsNone) return AttentionObservation.Empty;
        var tk = k.shape[2];
        var scale = TensorMath.Constant(1.0 / Math.Sqrt(headDim));
        var k32 = Float32(k);
        int[]? rows = null;
        Tensor? rowScores = null, rowProbs = null, full = null;
        var tq = (int)q.shape[2];
        if (request.QueryRows is { Length: > 0 } requested)
        {
            rows = requested.Select(r => r < 0 ? r + tq : r).ToArray();
            foreach (var r in rows)
                if (r < 0 || r >= tq) throw new ArgumentOutOfRangeException(nameof(request), $"Query row {r} is outside the {tq} tokens layer {layerIndex} processes.");
            // Consecutive rows (the last token, or the text span) are a view; only a scattered set needs a gather.
            var consecutive = rows.Select((r, i) => r - i).Distinct().Count() == 1;
            var qRows = Float32(consecutive
                ? q.narrow(2, rows[0], rows.Length)
                : q.index_select(2, torch.tensor(rows.Select(r => (long)r).ToArray(), device: q.device)));
            rowScores = torch.matmul(qRows, k32.transpose(-2, -1)).mul_(scale);  // in place: a fresh product
            // A row at the last key or after it (the last prompt token of a prefill) sees every key: nothing to mask.
            if (rows.Any(r => r + offset < tk - 1))
                rowScores = rowScores.FillNegativeInfinity(CausalMask(rows, offset, tk, q.device).logical_not());
            rowProbs = rowScores.softmax(-1);
        }
        if (request.Full)
        {
            var scores = torch.matmul(Float32(q), k32.transpose(-2, -1)).mul(scale);
            scores = scores.FillNegativeInfinity(CausalMask(Enumerable.Range(0, tq).ToArray(), offset, tk, q.device).logical_not());
            full = scores.softmax(-1);
        }
        return new AttentionObservation(rows, rowScores, rowProbs, full);
    }

    /// <summary>The tensor in float32; itself when it already is (no new handle).</summary>
    private static Tensor Float32(Tensor t) => t.dtype == ScalarType.Float32 ? t : t.to(ScalarType.Float32);

    /// <summary>[rows, keys] boolean mask: true where query row r (at absolute index r + offset) may attend.</summary>
    private static Tensor CausalMask(int[] rows, long offset, long tk, Device device)
    {
        using var scope = NewDisposeScope();
        var keyIdx = TensorMath.Arange(tk, ScalarType.Int64, device).unsqueeze(0);
        var rowIdx = torch.tensor(rows.Select(r => r + offset).ToArray(), device: device).unsqueeze(1);
        return keyIdx.le(rowIdx).MoveToOuterDisposeScope();
    }

    private static AttentionObservation MoveOut(AttentionObservation o)
    {
        if (ReferenceEquals(o, AttentionObservation.Empty)) return o;
        o.RowScores?.MoveToOuterDisposeScope();
        o.RowProbabilities?.MoveToOuterDisposeScope();
        o.Full?.MoveToOuterDisposeScope();
        return o;
    }
}
