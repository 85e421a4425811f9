using System.Globalization;

namespace Blink.Workbench.Imaging;

/// <summary>
/// An axis-aligned box in pixel coordinates with edges at pixel boundaries: <c>[X0, X1) × [Y0, Y1)</c>, so a box
/// covering a whole W×H image is <c>(0, 0, W, H)</c>. Coordinates are doubles because boxes are mapped between the
/// original image, the model input and the token grid; <see cref="RoundOutward"/> gives integer pixels.
/// </summary>
public readonly record struct PixelBox(double X0, double Y0, double X1, double Y1)
{
    public double Width => X1 - X0;
    public double Height => Y1 - Y0;
    public double CenterX => (X0 + X1) / 2;
    public double CenterY => (Y0 + Y1) / 2;
    public double Area => Math.Max(0, Width) * Math.Max(0, Height);
    public bool IsEmpty => !(X1 > X0 && Y1 > Y0);

    /// <summary>Builds a box from the <c>[x0, y0, x1, y1]</c> array used in question files.</summary>
    public static PixelBox FromArray(IReadOnlyList<int> xyxy)
    {
        ArgumentNullException.ThrowIfNull(xyxy);
        if (xyxy.Count != 4)
            throw new ArgumentException($"A box needs 4 numbers [x0, y0, x1, y1]; got {xyxy.Count}.", nameof(xyxy));
        return new PixelBox(xyxy[0], xyxy[1], xyxy[2], xyxy[3]);
    }

    public static PixelBox Union(PixelBox a, PixelBox b) =>
        new(Math.Min(a.X0, b.X0), Math.Min(a.Y0, b.Y0), Math.Max(a.X1, b.X1), Math.Max(a.Y1, b.Y1));

    public static PixelBox Union(IEnumerable<PixelBox> boxes)
    {
        PixelBox? result = null;
        foreach (var box in boxes)
            result = result is { } r ? Union(r, box) : box;
        return result ?? throw new ArgumentException("Cannot take the union of no boxes.", nameof(boxes));
    }

    public PixelBox Inflate(double margin) => new(X0 - margin, Y0 - margin, X1 + margin, Y1 + margin);

    public PixelBox Intersect(PixelBox other) =>
        new(Math.Max(X0, other.X0), Math.Max(Y0, other.Y0), Math.Min(X1, other.X1), Math.Min(Y1, other.Y1));

    public bool Intersects(PixelBox other) => !Intersect(other).IsEmpty;

    /// <summary>True when <paramref name="inner"/> lies entirely inside this box (edges may touch).</summary>
    public bool Contains(PixelBox inner) =>
        inner.X0 >= X0 && inner.Y0 >= Y0 && inner.X1 <= X1 && inner.Y1 <= Y1;

    public PixelBox ClampTo(int width, int height) =>
        new(Math.Clamp(X0, 0, width), Math.Clamp(Y0, 0, height), Math.Clamp(X1, 0, width), Math.Clamp(Y1, 0, height));

    /// <summary>Smallest integer box containing this one (floor of the start, ceiling of the end).</summary>
    public PixelBox RoundOutward() => new(Math.Floor(X0), Math.Floor(Y0), Math.Ceiling(X1), Math.Ceiling(Y1));

    /// <summary>The <c>[x0, y0, x1, y1]</c> integer array of question files (rounded outward).</summary>
    public int[] ToIntArray()
    {
        var r = RoundOutward();
        return [(int)r.X0, (int)r.Y0, (int)r.X1, (int)r.Y1];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{X0:0.##}, {Y0:0.##}, {X1:0.##}, {Y1:0.##}]");
}
