namespace Blink.Workbench.Methods;

/// <summary>One p×p region of the visual-token grid.</summary>
public readonly record struct Region(int Row, int Col, int Size)
{
    /// <summary>Token-grid rows and columns covered, [RowStart, RowEnd) × [ColStart, ColEnd).</summary>
    public int RowStart => Row * Size;
    public int ColStart => Col * Size;
    public int RowEnd => RowStart + Size;
    public int ColEnd => ColStart + Size;

    /// <summary>Indices into the row-major grid, row by row.</summary>
    public IEnumerable<int> TokenIndices(int gridWidth)
    {
        for (var r = RowStart; r < RowEnd; r++)
            for (var c = ColStart; c < ColEnd; c++)
                yield return r * gridWidth + c;
    }

    public override string ToString() => $"({Row},{Col})";
}

/// <summary>Non-overlapping tiling of an H×W token grid into p×p regions, numbered row-major.</summary>
public sealed record RegionGrid(int GridHeight, int GridWidth, int PatchSize)
{
    public int Rows => GridHeight / PatchSize;
    public int Cols => GridWidth / PatchSize;
    public int Count => Rows * Cols;

    public Region this[int index] => new(index / Cols, index % Cols, PatchSize);

    public int IndexOf(Region r) => r.Row * Cols + r.Col;

    /// <summary>Sums a per-token map (row-major, H·W values) over each region.</summary>
    public double[] RegionMass(ReadOnlySpan<float> tokenMap)
    {
        if (tokenMap.Length != GridHeight * GridWidth)
            throw new ArgumentException($"Expected {GridHeight * GridWidth} token scores, got {tokenMap.Length}.");
        var mass = new double[Count];
        for (var r = 0; r < GridHeight; r++)
            for (var c = 0; c < GridWidth; c++)
                mass[r / PatchSize * Cols + c / PatchSize] += tokenMap[r * GridWidth + c];
        return mass;
    }

    /// <summary>The region of the grid that best covers a token-space box (largest overlap).</summary>
    public Region RegionCovering(double row0, double col0, double row1, double col1)
    {
        var best = 0;
        var bestOverlap = double.NegativeInfinity;
        for (var i = 0; i < Count; i++)
        {
            var r = this[i];
            var h = Math.Min(row1, r.RowEnd) - Math.Max(row0, r.RowStart);
            var w = Math.Min(col1, r.ColEnd) - Math.Max(col0, r.ColStart);
            var overlap = Math.Max(0, h) * Math.Max(0, w);
            if (overlap > bestOverlap) { bestOverlap = overlap; best = i; }
        }
        return this[best];
    }
}
