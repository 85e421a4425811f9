using static TorchSharp.torch;

namespace Blink.Workbench.Models.Decoding;

/// <summary>
/// What a layer reports of its attention for an <see cref="AttentionRequest"/>. Tensors live in the forward's dispose
/// scope: an observer that keeps one beyond its callback must copy it (to host arrays, or DetachFromDisposeScope).
/// </summary>
public sealed class AttentionObservation
{
    public static AttentionObservation Empty { get; } = new(null, null, null, null);

    public AttentionObservation(int[]? rows, Tensor? rowScores, Tensor? rowProbabilities, Tensor? full)
    {
        Rows = rows;
        RowScores = rowScores;
        RowProbabilities = rowProbabilities;
        Full = full;
    }

    /// <summary>The query rows (sequence indices) the row tensors refer to, in order.</summary>
    public int[]? Rows { get; }

    /// <summary>[B, heads, rows, keys]: QKᵀ/√d with the causal mask applied (−∞ where masked), float32.</summary>
    public Tensor? RowScores { get; }

    /// <summary>[B, heads, rows, keys]: softmax of <see cref="RowScores"/>, float32.</summary>
    public Tensor? RowProbabilities { get; }

    /// <summary>[B, heads, queries, keys]: full softmax attention, float32; only when asked for.</summary>
    public Tensor? Full { get; }

    /// <summary>Row probabilities for one sequence index, or null when that row was not observed.</summary>
    public Tensor? RowProbabilitiesFor(int row)
    {
        if (Rows is null || RowProbabilities is null) return null;
        var i = Array.IndexOf(Rows, row);
        return i < 0 ? null : RowProbabilities[.., .., i];
    }

    public Tensor? RowScoresFor(int row)
    {
        if (Rows is null || RowScores is null) return null;
        var i = Array.IndexOf(Rows, row);
        return i < 0 ? null : RowScores[.., .., i];
    }
}
