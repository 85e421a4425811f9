namespace Blink.Workbench.Imaging;

/// <summary>
/// Where the pixels of an original image ended up in the model input, and therefore on the token grid. The mapping
/// is affine per axis, <c>input = original × Scale + Offset</c> (edges at pixel boundaries), which covers both pad
/// to square (positive offset = the padding) and resize + centre crop (negative offset = the cut-off margin).
/// Blink uses it both ways: evidence box → token region (which tokens to zoom) and token region → original pixel
/// box (what to crop from the high-resolution image for the teacher view and the zoom oracle).
/// </summary>
public sealed record PreprocessGeometry(
    int OriginalWidth, int OriginalHeight, int InputSize, int PatchSize,
    double ScaleX, double ScaleY, double OffsetX, double OffsetY)
{
    // Boxes that were produced from token edges come back with round-off like 27.999999999; without a tolerance
    // floor/ceil would move them a whole token.
    private const double Tolerance = 1e-6;

    public int GridSize => InputSize / PatchSize;

    /// <summary>Geometry of <paramref name="options"/> applied to a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public static PreprocessGeometry For(int width, int height, ImagePreprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"Image size must be positive; got {width}x{height}.");
        var s = options.Size;
        switch (options.Mode)
        {
            case ImageResizeMode.PadToSquare:
            {
                var (side, ox, oy) = PadLayout(width, height);
                var scale = (double)s / side;
                return new PreprocessGeometry(width, height, s, options.PatchSize, scale, scale, ox * scale, oy * scale);
            }
            case ImageResizeMode.ResizeShortestAndCenterCrop:
            {
                var (rw, rh, left, top) = CropLayout(width, height, s);
                return new PreprocessGeometry(width, height, s, options.PatchSize,
                    (double)rw / width, (double)rh / height, -left, -top);
            }
            default:
                throw new ArgumentException($"Unknown resize mode {options.Mode}.", nameof(options));
        }
    }

    /// <summary>expand2square's layout: square side and where the image is pasted (integer division, as in LLaVA).</summary>
    internal static (int Side, int OffsetX, int OffsetY) PadLayout(int width, int height)
    {
        var side = Math.Max(width, height);
        return (side, (side - width) / 2, (side - height) / 2);
    }

    /// <summary>
    /// CLIPImageProcessor's layout: shortest edge → size (long edge <c>int(size * long / short)</c>), then a centre
    /// crop starting at <c>(resized - size) // 2</c>.
    /// </summary>
    internal static (int ResizedWidth, int ResizedHeight, int Left, int Top) CropLayout(int width, int height, int size)
    {
        int rw, rh;
        if (width <= height)
        {
            rw = size;
            rh = (int)((long)size * height / width);
        }
        else
        {
            rh = size;
            rw = (int)((long)size * width / height);
        }
        return (rw, rh, (rw - size) / 2, (rh - size) / 2);
    }

    /// <summary>The model-input box covered by the original image (excludes padding, clipped by the crop).</summary>
    public PixelBox VisibleInputBox =>
        ToInput(new PixelBox(0, 0, OriginalWidth, OriginalHeight)).ClampTo(InputSize, InputSize);

    /// <summary>Maps an original-image box to model-input pixels (not clipped).</summary>
    public PixelBox ToInput(PixelBox original) => new(
        original.X0 * ScaleX + OffsetX, original.Y0 * ScaleY + OffsetY,
        original.X1 * ScaleX + OffsetX, original.Y1 * ScaleY + OffsetY);

    /// <summary>Maps a model-input box back to original pixels, clipped to the image (padding maps to nothing).</summary>
    public PixelBox ToOriginal(PixelBox input) => new PixelBox(
        (input.X0 - OffsetX) / ScaleX, (input.Y0 - OffsetY) / ScaleY,
        (input.X1 - OffsetX) / ScaleX, (input.Y1 - OffsetY) / ScaleY).ClampTo(OriginalWidth, OriginalHeight);

    /// <summary>
    /// The tokens whose patches overlap the original-image box (at least one token even for a degenerate box).
    /// Throws when the box does not reach the visible part of the input (outside the image, or cropped away).
    /// </summary>
    public TokenRegion ToTokenRegion(PixelBox original)
    {
        var visible = VisibleInputBox;
        var input = ToInput(original);
        var clipped = input.Intersect(visible);
        var degenerate = original.Width <= 0 || original.Height <= 0;
        if (clipped.X0 > clipped.X1 || clipped.Y0 > clipped.Y1 || (!degenerate && clipped.IsEmpty))
            throw new ArgumentException(
                $"Box {original} (original pixels) does not overlap the part of the {OriginalWidth}x{OriginalHeight} image that the model sees.",
                nameof(original));
        var g = GridSize;
        var c0 = Math.Clamp((int)Math.Floor(clipped.X0 / PatchSize + Tolerance), 0, g - 1);
        var r0 = Math.Clamp((int)Math.Floor(clipped.Y0 / PatchSize + Tolerance), 0, g - 1);
        var c1 = Math.Clamp((int)Math.Ceiling(clipped.X1 / PatchSize - Tolerance), c0 + 1, g);
        var r1 = Math.Clamp((int)Math.Ceiling(clipped.Y1 / PatchSize - Tolerance), r0 + 1, g);
        return new TokenRegion(r0, c0, r1, c1);
    }

    /// <summary>The original-image pixel box seen by a token region (clipped to the image; padding dropped).</summary>
    public PixelBox ToOriginal(TokenRegion region)
    {
        var g = GridSize;
        if (region.Row0 < 0 || region.Col0 < 0 || region.Row1 > g || region.Col1 > g || region.Rows <= 0 || region.Cols <= 0)
            throw new ArgumentException($"Token region {region} is not a non-empty region of the {g}x{g} grid.", nameof(region));
        var box = ToOriginal(new PixelBox(region.Col0 * PatchSize, region.Row0 * PatchSize,
            region.Col1 * PatchSize, region.Row1 * PatchSize));
        if (box.IsEmpty)
            throw new ArgumentException($"Token region {region} covers only padding; it shows no pixel of the original image.", nameof(region));
        return box;
    }
}
