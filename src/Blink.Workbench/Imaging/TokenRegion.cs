namespace Blink.Workbench.Imaging;

/// <summary>
/// A rectangle of visual tokens on the model's row-major token grid: rows <c>[Row0, Row1)</c>, columns
/// <c>[Col0, Col1)</c> (end-exclusive, like Python slices). Token index of (row, col) is <c>row * GridSize + col</c>.
/// </summary>
public readonly record struct TokenRegion(int Row0, int Col0, int Row1, int Col1)
{
    public int Rows => Row1 - Row0;
    public int Cols => Col1 - Col0;
    public int Count => Math.Max(0, Rows) * Math.Max(0, Cols);

    /// <summary>Flat (row-major) token indices covered by the region, for a grid of <paramref name="gridSize"/> columns.</summary>
    public IEnumerable<int> TokenIndices(int gridSize)
    {
        for (var r = Row0; r < Row1; r++)
            for (var c = Col0; c < Col1; c++)
                yield return r * gridSize + c;
    }

    public override string ToString() => $"rows [{Row0}, {Row1}) cols [{Col0}, {Col1})";
}
