using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Evaluation;

public class ChunkingTests
{
    // Expected sizes worked out by hand from LLaVA's rule: size = ceil(len/n), slices [0:size], [size:2size], ...
    [Theory]
    [InlineData(10, 4, new[] { 3, 3, 3, 1 })]
    [InlineData(9, 4, new[] { 3, 3, 3, 0 })] // LLaVA raises IndexError for chunk 3; we give an empty chunk
    [InlineData(8, 8, new[] { 1, 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(5, 1, new[] { 5 })]
    [InlineData(3, 5, new[] { 1, 1, 1, 0, 0 })]
    [InlineData(0, 2, new[] { 0, 0 })]
    public void Chunks_follow_llava_split_list(int count, int numChunks, int[] expectedSizes)
    {
        var items = Enumerable.Range(0, count).ToList();
        var chunks = Enumerable.Range(0, numChunks).Select(k => Chunking.GetChunk(items, numChunks, k)).ToList();

        Assert.Equal(expectedSizes, chunks.Select(c => c.Count));
        Assert.Equal(items, chunks.SelectMany(c => c)); // concatenation restores the order, no overlap
        Assert.Equal(expectedSizes.Where(s => s > 0), Chunking.SplitList(items, numChunks).Select(c => c.Count));
    }

    [Fact]
    public void Rejects_out_of_range_chunk_index()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Chunking.GetChunk(new[] { 1, 2 }, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Chunking.GetChunk(new[] { 1, 2 }, 0, 0));
    }
}
