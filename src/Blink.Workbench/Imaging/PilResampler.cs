namespace Blink.Workbench.Imaging;

/// <summary>
/// Image resizing that reproduces PIL's <c>Image.resize</c> for 8-bit images (Pillow's Resample.c): separable
/// filtering, horizontal pass first, filter support widened by the scale factor when shrinking (antialiasing), 22-bit
/// fixed-point coefficients and rounding to 8 bits after each pass. LLaVA and the HF CLIP processor resize with PIL,
/// so matching it keeps real-checkpoint inputs within rounding of the Python reference; it is also plain C#, hence
/// bit-identical on every machine.
/// </summary>
public static class PilResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static RgbImage Resize(RgbImage source, int width, int height, ImageResampling resampling)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"Target size must be positive; got {width}x{height}.");
        if (width == source.Width && height == source.Height)
            return new RgbImage(width, height, (byte[])source.Pixels.Clone());
        if (resampling == ImageResampling.Nearest)
            return ResizeNearest(source, width, height);

        var (support, filter) = resampling switch
        {
            ImageResampling.Bicubic => (2.0, (Func<double, double>)Bicubic),
            ImageResampling.Bilinear => (1.0, Bilinear),
            _ => throw new ArgumentOutOfRangeException(nameof(resampling), resampling, "Unknown resampling filter."),
        };

        var image = source;
        if (width != source.Width)
            image = ResampleHorizontal(image, width, support, filter);
        if (height != source.Height)
            image = ResampleVertical(image, height, support, filter);
        return image;
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 0) x = -x;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    private static double Bilinear(double x)
    {
        if (x < 0) x = -x;
        return x < 1 ? 1 - x : 0;
    }

    /// <summary>Per output pixel: first input index, tap count and fixed-point weights (Pillow's precompute_coeffs).</summary>
    private static (int[] Start, int[] Count, int[] Weights, int KernelSize) Coefficients(
        int inSize, int outSize, double support, Func<double, double> filter)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var scaledSupport = support * filterScale;
        var kernelSize = (int)Math.Ceiling(scaledSupport) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var k = new double[kernelSize];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var ss = 1.0 / filterScale;
            var xmin = Math.Max((int)(center - scaledSupport + 0.5), 0);
            var xmax = Math.Min((int)(center + scaledSupport + 0.5), inSize) - xmin;
            double total = 0;
            for (var x = 0; x < xmax; x++)
            {
                var w = filter((x + xmin - center + 0.5) * ss);
                k[x] = w;
                total += w;
            }
            for (var x = 0; x < xmax; x++)
            {
                var w = total != 0 ? k[x] / total : k[x];
                weights[xx * kernelSize + x] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return (start, count, weights, kernelSize);
    }

    private static byte Clip8(long value)
    {
        if (value >= (1L << PrecisionBits << 8)) return 255;
        if (value <= 0) return 0;
        return (byte)(value >> PrecisionBits);
    }

    private static RgbImage ResampleHorizontal(RgbImage src, int outWidth, double support, Func<double, double> filter)
    {
        var (start, count, weights, ks) = Coefficients(src.Width, outWidth, support, filter);
        var dst = new RgbImage(outWidth, src.Height);
        var s = src.Pixels;
        var d = dst.Pixels;
        for (var y = 0; y < src.Height; y++)
        {
            var rowIn = y * src.Width * 3;
            var rowOut = y * outWidth * 3;
            for (var xx = 0; xx < outWidth; xx++)
            {
                long r = 1L << (PrecisionBits - 1), g = r, b = r;
                var wOff = xx * ks;
                var p = rowIn + start[xx] * 3;
                for (var x = 0; x < count[xx]; x++, p += 3)
                {
                    long w = weights[wOff + x];
                    r += s[p] * w;
                    g += s[p + 1] * w;
                    b += s[p + 2] * w;
                }
                var o = rowOut + xx * 3;
                d[o] = Clip8(r);
                d[o + 1] = Clip8(g);
                d[o + 2] = Clip8(b);
            }
        }
        return dst;
    }

    private static RgbImage ResampleVertical(RgbImage src, int outHeight, double support, Func<double, double> filter)
    {
        var (start, count, weights, ks) = Coefficients(src.Height, outHeight, support, filter);
        var width = src.Width;
        var dst = new RgbImage(width, outHeight);
        var s = src.Pixels;
        var d = dst.Pixels;
        var stride = width * 3;
        for (var yy = 0; yy < outHeight; yy++)
        {
            var wOff = yy * ks;
            var rowOut = yy * stride;
            for (var c = 0; c < stride; c++)
            {
                long acc = 1L << (PrecisionBits - 1);
                var p = start[yy] * stride + c;
                for (var y = 0; y < count[yy]; y++, p += stride)
                    acc += s[p] * (long)weights[wOff + y];
                d[rowOut + c] = Clip8(acc);
            }
        }
        return dst;
    }

    private static RgbImage ResizeNearest(RgbImage src, int width, int height)
    {
        // PIL maps output pixel centres through the affine transform and takes the pixel they land in.
        var dst = new RgbImage(width, height);
        var sx = (double)src.Width / width;
        var sy = (double)src.Height / height;
        for (var y = 0; y < height; y++)
        {
            var yi = Math.Min((int)Math.Floor((y + 0.5) * sy), src.Height - 1);
            for (var x = 0; x < width; x++)
            {
                var xi = Math.Min((int)Math.Floor((x + 0.5) * sx), src.Width - 1);
                Array.Copy(src.Pixels, (yi * src.Width + xi) * 3, dst.Pixels, (y * width + x) * 3, 3);
            }
        }
        return dst;
    }
}
