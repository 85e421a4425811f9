using Blink.Workbench.Imaging;
using SkiaSharp;
using static Blink.Workbench.Tests.Imaging.ImageFixtures;

namespace Blink.Workbench.Tests.Imaging;

public class ImageLoaderTests
{
    [Fact]
    public void Png_file_round_trips()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "a.png");
        using (var bitmap = Solid(9, 5, new SKColor(1, 2, 3)))
            File.WriteAllBytes(path, EncodePng(bitmap));
        using var loaded = ImageLoader.Load(path);
        Assert.Equal(9, loaded.Width);
        Assert.Equal(5, loaded.Height);
        Assert.Equal(((byte)1, (byte)2, (byte)3), RgbImage.FromBitmap(loaded)[8, 4]);
    }

    [Fact]
    public void Jpeg_bytes_decode()
    {
        using var bitmap = Solid(16, 16, new SKColor(0, 0, 255));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        using var loaded = ImageLoader.FromBytes(data.ToArray(), "x.jpg");
        var (r, g, b) = RgbImage.FromBitmap(loaded)[5, 5];
        Assert.True(b > 240 && r < 15 && g < 15, $"got {r},{g},{b}");
    }

    [Fact]
    public void Base64_with_and_without_data_uri_prefix()
    {
        using var bitmap = Solid(3, 2, new SKColor(50, 60, 70));
        var b64 = Convert.ToBase64String(EncodePng(bitmap));
        using var plain = ImageLoader.FromBase64(b64);
        using var uri = ImageLoader.FromBase64("data:image/png;base64," + b64[..10] + "\n" + b64[10..]);
        Assert.Equal(3, plain.Width);
        Assert.Equal(((byte)50, (byte)60, (byte)70), RgbImage.FromBitmap(uri)[2, 1]);
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(20_000, 20_000)]
    [InlineData(9_000, 9_000)]
    public void A_header_claiming_too_many_pixels_is_refused_before_decoding(int width, int height)
    {
        // A real 2x2 PNG whose IHDR claims another size (CRC recomputed): tens of bytes that promise gigabytes.
        using var bitmap = Solid(2, 2, new SKColor(1, 2, 3));
        var bytes = EncodePng(bitmap);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        var path = Path.Combine(TempDir(), "huge.png");
        File.WriteAllBytes(path, bytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains($"{width}x{height}", e.Message);
        Assert.Contains("megapixel limit", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "refused after allocating pixels");
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void Corrupt_file_error_names_the_file()
    {
        var path = Path.Combine(TempDir(), "broken.png");
        File.WriteAllText(path, "this is not a png");
        var e = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(path));
        Assert.Equal(path, e.ImageSource);
        Assert.Contains(path, e.Message);
        Assert.Contains("not in a recognised image format", e.Message);
    }

    [Fact]
    public void Truncated_png_error_names_the_file()
    {
        using var bitmap = Solid(64, 64, new SKColor(9, 9, 9));
        var bytes = EncodePng(bitmap);
        var path = Path.Combine(TempDir(), "cut.png");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("corrupt or truncated", e.Message);
    }

    [Fact]
    public void Missing_and_empty_files_and_bad_base64_are_reported_with_their_source()
    {
        var dir = TempDir();
        var missing = Path.Combine(dir, "nope.png");
        var e1 = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(missing));
        Assert.Contains(missing, e1.Message);
        Assert.IsType<FileNotFoundException>(e1.InnerException);

        var empty = Path.Combine(dir, "empty.jpg");
        File.WriteAllBytes(empty, []);
        var e2 = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(empty));
        Assert.Contains(empty, e2.Message);
        Assert.Contains("0 bytes", e2.Message);

        var e3 = Assert.Throws<ImageLoadException>(() => ImageLoader.Load(dir));
        Assert.Contains("directory", e3.Message);

        var e4 = Assert.Throws<ImageLoadException>(() => ImageLoader.FromBase64("%%%not base64%%%", "mmbench.tsv row 17"));
        Assert.Contains("mmbench.tsv row 17", e4.Message);
    }
}
