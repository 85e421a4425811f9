namespace Blink.Workbench.Evaluation;

/// <summary>
/// Sharding with LLaVA's <c>--num-chunks/--chunk-idx</c> rule (<c>split_list</c>/<c>get_chunk</c> in
/// <c>llava/eval/model_vqa*.py</c>): chunk size is <c>ceil(len / numChunks)</c> and chunks are consecutive slices of
/// that size, so the last chunk is shorter and there can be fewer than <c>numChunks</c> non-empty chunks
/// (9 items in 4 chunks → sizes 3, 3, 3, 0). The same rule here means our shard k holds exactly the questions LLaVA's
/// shard k would.
/// </summary>
/// <remarks>
/// Difference from LLaVA: where Python raises <c>IndexError</c> for a chunk index past the last slice (or a
/// <c>ValueError</c> for an empty list), we return an empty chunk, so a launcher that always starts numChunks workers
/// does not crash on small sets.
/// </remarks>
public static class Chunking
{
    /// <summary>Size of every chunk but possibly the last: <c>ceil(count / numChunks)</c>.</summary>
    public static int ChunkSize(int count, int numChunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(numChunks, 1);
        return (int)((count + (long)numChunks - 1) / numChunks);
    }

    /// <summary>All chunks in order; only non-empty ones, as LLaVA's <c>split_list</c> returns.</summary>
    public static IReadOnlyList<IReadOnlyList<T>> SplitList<T>(IReadOnlyList<T> items, int numChunks)
    {
        int size = ChunkSize(items.Count, numChunks);
        var chunks = new List<IReadOnlyList<T>>();
        for (int start = 0; size > 0 && start < items.Count; start += size)
            chunks.Add(Slice(items, start, Math.Min(size, items.Count - start)));
        return chunks;
    }

    /// <summary>Chunk <paramref name="chunkIdx"/> of <paramref name="numChunks"/> (0-based), possibly empty.</summary>
    public static IReadOnlyList<T> GetChunk<T>(IReadOnlyList<T> items, int numChunks, int chunkIdx)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numChunks, 1);
        if (chunkIdx < 0 || chunkIdx >= numChunks)
            throw new ArgumentOutOfRangeException(nameof(chunkIdx), chunkIdx,
                $"chunk index must be in [0, {numChunks - 1}] for {numChunks} chunks");
        int size = ChunkSize(items.Count, numChunks);
        long start = (long)size * chunkIdx;
        if (start >= items.Count)
            return Array.Empty<T>();
        return Slice(items, (int)start, Math.Min(size, items.Count - (int)start));
    }

    private static T[] Slice<T>(IReadOnlyList<T> items, int start, int count)
    {
        var slice = new T[count];
        for (int i = 0; i < count; i++)
            slice[i] = items[start + i];
        return slice;
    }
}
