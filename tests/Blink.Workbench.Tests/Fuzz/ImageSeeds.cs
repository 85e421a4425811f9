using System.Buffers.Binary;
using SkiaSharp;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>
/// Small valid images in every format the loader reads. PNG, JPEG and WebP come from Skia's encoders; Skia has no GIF
/// or BMP encoder, so those two are written here byte by byte (both formats are a few fixed header fields).
/// </summary>
internal static class ImageSeeds
{
    public static SKBitmap Pattern(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 37), (byte)(y * 53), (byte)((x + y) * 11), (byte)(255 - x)));
        return bitmap;
    }

    public static byte[] Encode(SKEncodedImageFormat format, int width, int height, int quality = 90)
    {
        using var bitmap = Pattern(width, height);
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}");
        return data.ToArray();
    }

    public static IReadOnlyList<byte[]> Png() => [Encode(SKEncodedImageFormat.Png, 7, 5), Encode(SKEncodedImageFormat.Png, 16, 3)];

    public static IReadOnlyList<byte[]> Jpeg() => [Encode(SKEncodedImageFormat.Jpeg, 9, 7), Encode(SKEncodedImageFormat.Jpeg, 17, 16, 40)];

    /// <summary>Lossy (VP8) and lossless (VP8L) WebP.</summary>
    public static IReadOnlyList<byte[]> WebP() => [Encode(SKEncodedImageFormat.Webp, 9, 7, 80), Encode(SKEncodedImageFormat.Webp, 6, 4, 100)];

    public static IReadOnlyList<byte[]> Bmp() => [Bmp24(7, 5), Bmp24(4, 2)];

    public static IReadOnlyList<byte[]> Gif() => [Gif4(5, 3), Gif4(2, 2)];

    /// <summary>A 24-bit uncompressed BMP (BITMAPINFOHEADER, bottom-up rows padded to 4 bytes).</summary>
    public static byte[] Bmp24(int width, int height)
    {
        int stride = (width * 3 + 3) & ~3;
        var b = new byte[54 + stride * height];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int at = 54 + y * stride + x * 3;
                b[at] = (byte)(x * 40); b[at + 1] = (byte)(y * 60); b[at + 2] = (byte)(x * y * 9);
            }
        return b;
    }

    /// <summary>
    /// A 4-colour GIF89a. The LZW stream re-sends the clear code every two pixels, so every code keeps the minimum
    /// 3-bit width and no string table is needed to write it.
    /// </summary>
    public static byte[] Gif4(int width, int height)
    {
        var b = new List<byte>();
        b.AddRange("GIF89a"u8.ToArray());
        b.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0b1000_0001, 0, 0]);
        b.AddRange([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
        b.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
        const int clear = 4, end = 5;
        var codes = new List<int>();
        for (int i = 0; i < width * height; i++)
        {
            if (i % 2 == 0) codes.Add(clear);
            codes.Add(i % 4);
        }
        codes.Add(end);
        var data = new List<byte>();
        int acc = 0, bits = 0;
        foreach (int code in codes)
        {
            acc |= code << bits;
            bits += 3;
            while (bits >= 8) { data.Add((byte)acc); acc >>= 8; bits -= 8; }
        }
        if (bits > 0) data.Add((byte)acc);
        b.Add(2);
        for (int i = 0; i < data.Count; i += 255)
        {
            int n = Math.Min(255, data.Count - i);
            b.Add((byte)n);
            b.AddRange(data.GetRange(i, n));
        }
        b.Add(0);
        b.Add(0x3B);
        return [.. b];
    }
}
