using SkiaSharp;

namespace Blink.Workbench.Imaging;

/// <summary>
/// Decodes images (PNG, JPEG, WebP, GIF, BMP, ... whatever Skia's codecs read) into <see cref="SKBitmap"/>s.
/// Every failure becomes an <see cref="ImageLoadException"/> that names the file: Skia itself only answers
/// <c>null</c>, which would surface far away as a NullReferenceException.
/// </summary>
public static class ImageLoader
{
    /// <summary>
    /// The largest image decoded: 64 megapixels (256 MiB of RGBA), 4× the 8K×8K images of the largest benchmarks, so a
    /// crafted header that claims 100000 × 100000 pixels is refused from its header before any memory is taken.
    /// </summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>Decodes an image file. The caller owns (and disposes) the returned bitmap.</summary>
    public static SKBitmap Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new ImageLoadException(path, "the path is a directory, not an image file");
        if (!File.Exists(path))
            throw new ImageLoadException(path, "the file does not exist",
                new FileNotFoundException("Image file not found.", path));

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageLoadException(path, $"the file cannot be read ({e.Message})", e);
        }
        return Decode(bytes, path);
    }

    /// <summary>The width and height an image's header states, without decoding its pixels.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> bytes, string sourceName = "<bytes>")
    {
        if (bytes.Length == 0) throw new ImageLoadException(sourceName, "the data is empty (0 bytes)");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageLoadException(sourceName, $"the data is not in a recognised image format ({bytes.Length} bytes; expected PNG, JPEG, WebP, GIF or BMP)");
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Decodes encoded image bytes; <paramref name="sourceName"/> is used in error messages.</summary>
    public static SKBitmap FromBytes(ReadOnlySpan<byte> bytes, string sourceName = "<bytes>") =>
        Decode(bytes, sourceName);

    /// <summary>
    /// Decodes a base64 image (MMBench TSVs carry images this way). A <c>data:image/...;base64,</c> prefix and
    /// whitespace/line breaks inside the text are accepted.
    /// </summary>
    public static SKBitmap FromBase64(string base64, string sourceName = "<base64>")
    {
        ArgumentNullException.ThrowIfNull(base64);
        var text = base64.AsSpan().Trim();
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = text.IndexOf(',');
            if (comma < 0)
                throw new ImageLoadException(sourceName, "the data URI has no ',' before its payload");
            text = text[(comma + 1)..];
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.ToString());
        }
        catch (FormatException e)
        {
            throw new ImageLoadException(sourceName, "the text is not valid base64", e);
        }
        return Decode(bytes, sourceName);
    }

    private static SKBitmap Decode(ReadOnlySpan<byte> bytes, string sourceName)
    {
        if (bytes.Length == 0)
            throw new ImageLoadException(sourceName, "the data is empty (0 bytes)");

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
            throw new ImageLoadException(sourceName,
                $"the data is not in a recognised image format ({bytes.Length} bytes; expected PNG, JPEG, WebP, GIF or BMP)");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            throw new ImageLoadException(sourceName, $"the image has a zero size ({info.Width}x{info.Height})");
        if ((long)info.Width * info.Height > MaxPixels)
            throw new ImageLoadException(sourceName,
                $"its header claims {info.Width}x{info.Height} pixels ({(long)info.Width * info.Height * 4 / (1024 * 1024):N0} MiB as RGBA), above the {MaxPixels / (1024 * 1024)}-megapixel limit; resize it, or check that the file is not damaged");

        // Decode straight into unpremultiplied RGBA so that the preprocessor sees the stored colour values, like
        // PIL's convert("RGB") does (it drops alpha without compositing).
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888,
            info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(target))
        {
            bitmap.Dispose();
            throw new ImageLoadException(sourceName, $"there is not enough memory for its {info.Width}x{info.Height} pixels");
        }
        var result = codec.GetPixels(target, bitmap.GetPixels());
        // IncompleteInput still yields a (partly filled) image; Skia fills the rest. A truncated file is an error for
        // a benchmark run, so it is reported rather than silently evaluated on half an image.
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new ImageLoadException(sourceName, $"the image data is corrupt or truncated (decoder said {result})");
        }
        return bitmap;
    }
}
