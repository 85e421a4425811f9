namespace Blink.Workbench.Models.Decoding;

/// <summary>
/// Where things are in the sequence a decoder layer processes: <c>[prefix; image grid; inserted; text]</c>.
/// <see cref="InsertedLength"/> counts tokens an intervention placed right after the image (Blink's super-resolved
/// tokens). When an intervention removes image tokens (FastV) the image span is no longer a full grid and
/// <see cref="ImageIsGrid"/> is false. A prompt with several images (an image and its crop) describes the first image
/// block here and lists where the others start in <see cref="MoreImageStarts"/>; the methods that edit or read the
/// grid (Blink, FastV, the recorders) refuse such layouts, since their decisions are defined on one grid.
/// </summary>
public sealed record SequenceLayout(
    int ImageStart,
    int ImageLength,
    int GridHeight,
    int GridWidth,
    int InsertedLength,
    int TotalLength,
    bool ImageIsGrid = true,
    IReadOnlyList<int>? MoreImageStarts = null)
{
    /// <summary>How many image blocks the sequence holds (each <see cref="ImageLength"/> tokens).</summary>
    public int ImageCount => 1 + (MoreImageStarts?.Count ?? 0);

    /// <summary>Throws unless the sequence holds exactly one image: for methods defined on one token grid.</summary>
    public void RequireSingleImage(string who)
    {
        if (ImageCount != 1)
            throw new ArgumentException($"{who} reads one image grid, but this prompt holds {ImageCount} images (image blocks at {string.Join(", ", new[] { ImageStart }.Concat(MoreImageStarts!))}).");
    }

    public int ImageEnd => ImageStart + ImageLength;
    public int InsertedStart => ImageEnd;
    public int TextStart => ImageEnd + InsertedLength;
    public int TextLength => TotalLength - TextStart;

    /// <summary>Sequence index of grid cell (row, col) of the image.</summary>
    public int GridIndex(int row, int col)
    {
        if (!ImageIsGrid) throw new InvalidOperationException("The image tokens no longer form a grid (tokens were pruned).");
        return ImageStart + row * GridWidth + col;
    }

    public SequenceLayout WithInserted(int count) => this with { InsertedLength = count, TotalLength = TotalLength - InsertedLength + count };
}
