using Blink.Workbench.Imaging;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// Places small objects at random integer positions without overlap: every placed box keeps a gap to the others,
/// so each object is separately visible once zoomed and no object hides another's shape.
/// </summary>
internal sealed class SceneLayout
{
    private readonly List<PixelBox> _occupied = [];
    private readonly int _gap;

    public SceneLayout(int imageSize, int gap, int border)
    {
        _gap = gap;
        Usable = new PixelBox(border, border, imageSize - border, imageSize - border);
    }

    /// <summary>Where objects may go at all (the image minus a border).</summary>
    public PixelBox Usable { get; }

    public bool IsFree(PixelBox box)
    {
        if (!Usable.Contains(box))
            return false;
        var padded = box.Inflate(_gap);
        foreach (var other in _occupied)
            if (padded.Intersects(other))
                return false;
        return true;
    }

    public void Add(PixelBox box) => _occupied.Add(box);

    /// <summary>
    /// Tries random positions for a <paramref name="width"/>×<paramref name="height"/> box inside
    /// <paramref name="area"/> that are free and satisfy <paramref name="accept"/>; adds and returns the first.
    /// </summary>
    public PixelBox? TryPlace(TestbedRandom rng, int width, int height, PixelBox area, Func<PixelBox, bool>? accept = null, int attempts = 200)
    {
        var a = area.Intersect(Usable);
        var xMax = (int)Math.Floor(a.X1) - width;
        var yMax = (int)Math.Floor(a.Y1) - height;
        var xMin = (int)Math.Ceiling(a.X0);
        var yMin = (int)Math.Ceiling(a.Y0);
        if (xMax < xMin || yMax < yMin)
            return null;
        for (var i = 0; i < attempts; i++)
        {
            var x = rng.NextInclusive(xMin, xMax);
            var y = rng.NextInclusive(yMin, yMax);
            var box = new PixelBox(x, y, x + width, y + height);
            if (IsFree(box) && (accept is null || accept(box)))
            {
                Add(box);
                return box;
            }
        }
        return null;
    }
}
