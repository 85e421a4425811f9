using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Imaging;

/// <summary>
/// Turns an image into the normalised CHW float input of a CLIP-style vision tower, the way LLaVA-1.5 does it
/// (see <see cref="ImagePreprocessOptions"/>), and reports the <see cref="PreprocessGeometry"/> that relates original
/// pixels to input pixels and tokens.
/// </summary>
public sealed class ImagePreprocessor
{
    public ImagePreprocessor(ImagePreprocessOptions? options = null)
    {
        Options = options ?? ImagePreprocessOptions.Llava15;
        Options.Validate();
    }

    public ImagePreprocessOptions Options { get; }

    public PreprocessGeometry GeometryFor(int width, int height) => PreprocessGeometry.For(width, height, Options);

    /// <summary>The square, resized 8-bit image the vision tower sees (before normalisation); handy for plots.</summary>
    public RgbImage ToInputImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var s = Options.Size;
        switch (Options.Mode)
        {
            case ImageResizeMode.PadToSquare:
            {
                var (side, ox, oy) = PreprocessGeometry.PadLayout(image.Width, image.Height);
                var square = side == image.Width && side == image.Height
                    ? image
                    : image.PlaceOnCanvas(side, side, ox, oy, Options.PadColor);
                return PilResampler.Resize(square, s, s, Options.Resampling);
            }
            case ImageResizeMode.ResizeShortestAndCenterCrop:
            {
                var (rw, rh, left, top) = PreprocessGeometry.CropLayout(image.Width, image.Height, s);
                var resized = PilResampler.Resize(image, rw, rh, Options.Resampling);
                return rw == s && rh == s ? resized : resized.Crop(left, top, s, s);
            }
            default:
                throw new InvalidOperationException($"Unknown resize mode {Options.Mode}.");
        }
    }

    public RgbImage ToInputImage(SKBitmap bitmap) => ToInputImage(RgbImage.FromBitmap(bitmap));

    /// <summary>Normalised pixels, channel-major <c>[3, Size, Size]</c> flattened: <c>(v/255 − mean[c]) / std[c]</c>.</summary>
    public float[] ToChw(RgbImage image) => Normalize(ToInputImage(image));

    public float[] ToChw(SKBitmap bitmap) => ToChw(RgbImage.FromBitmap(bitmap));

    /// <summary>Normalised pixels plus the geometry that produced them.</summary>
    public PreprocessedImage Preprocess(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var rgb = RgbImage.FromBitmap(bitmap);
        return new PreprocessedImage(ToChw(rgb), GeometryFor(rgb.Width, rgb.Height));
    }

    /// <summary>A <c>[3, Size, Size]</c> float32 tensor on <paramref name="device"/> (CPU when null).</summary>
    public Tensor ToTensor(SKBitmap bitmap, Device? device = null)
    {
        var s = Options.Size;
        return tensor(ToChw(bitmap), [3, s, s], ScalarType.Float32, device ?? CPU);
    }

    /// <summary>A <c>[B, 3, Size, Size]</c> float32 tensor of several images on <paramref name="device"/>.</summary>
    public Tensor ToBatchTensor(IReadOnlyList<SKBitmap> bitmaps, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(bitmaps);
        if (bitmaps.Count == 0)
            throw new ArgumentException("Cannot build a batch from zero images.", nameof(bitmaps));
        var s = Options.Size;
        var plane = 3 * s * s;
        var data = new float[bitmaps.Count * plane];
        for (var i = 0; i < bitmaps.Count; i++)
            Array.Copy(ToChw(bitmaps[i]), 0, data, i * plane, plane);
        return tensor(data, [bitmaps.Count, 3, s, s], ScalarType.Float32, device ?? CPU);
    }

    private float[] Normalize(RgbImage input)
    {
        // HF's rescale multiplies in float64 then casts to float32; normalisation then runs in float32.
        var n = input.Width * input.Height;
        var result = new float[3 * n];
        var px = input.Pixels;
        for (var c = 0; c < 3; c++)
        {
            var mean = Options.Mean[c];
            var std = Options.Std[c];
            var lut = new float[256];
            for (var v = 0; v < 256; v++)
                lut[v] = ((float)(v * (1 / 255.0)) - mean) / std;
            var offset = c * n;
            for (var i = 0; i < n; i++)
                result[offset + i] = lut[px[i * 3 + c]];
        }
        return result;
    }
}

/// <summary>Output of <see cref="ImagePreprocessor.Preprocess"/>: CHW floats and where the original pixels went.</summary>
public sealed record PreprocessedImage(float[] Chw, PreprocessGeometry Geometry);
