namespace Blink.Workbench.Models.Decoding;

/// <summary>
/// Where things are in the sequence a decoder layer processes: <c>[prefix; image grid; inserted; text]</c>.
/// <see cref="InsertedLength"/> counts tokens an intervention placed right after the image (Blink's super-resolved
/// tokens). When an intervention removes image tokens (FastV) the image span is no longer a full grid and
/// <see cref="ImageIsGrid"/> is false.
/// </summary>
public sealed record SequenceLayout(
    int ImageStart,
    int ImageLength,
    int GridHeight,
    int GridWidth,
    int InsertedLength,
    int TotalLength,
    bool ImageIsGrid = true)
{
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
