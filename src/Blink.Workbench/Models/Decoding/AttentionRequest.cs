namespace Blink.Workbench.Models.Decoding;

/// <summary>
/// What an observer wants to see of one layer's attention. Query rows are indices into the sequence the layer
/// processes (in the prefill, the whole prompt). Row attention is computed from the layer's own queries and keys for
/// those rows only, so asking for the last prompt token costs O(T) memory, never O(T²). <see cref="Full"/> asks for
/// every head's complete attention matrix (the pilot study's expensive mode).
/// </summary>
public sealed record AttentionRequest(int[]? QueryRows = null, bool Full = false)
{
    public static AttentionRequest None { get; } = new();

    public bool IsNone => (QueryRows is null || QueryRows.Length == 0) && !Full;

    /// <summary>The last row of the sequence the layer will process.</summary>
    public static AttentionRequest LastRow(DecoderState state) => new([state.Length - 1]);

    public static AttentionRequest Rows(params int[] rows) => new(rows);

    public static AttentionRequest FullMatrices { get; } = new(null, true);

    /// <summary>Combines two observers' wishes into one request.</summary>
    public AttentionRequest Merge(AttentionRequest other)
    {
        if (other.IsNone) return this;
        if (IsNone) return other;
        var rows = (QueryRows ?? []).Concat(other.QueryRows ?? []).Distinct().Order().ToArray();
        return new AttentionRequest(rows.Length == 0 ? null : rows, Full || other.Full);
    }
}
