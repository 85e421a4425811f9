using SkiaSharp;

namespace Blink.Workbench.Evaluation;

/// <summary>
/// The one place the evaluation code decodes images. It calls SkiaSharp directly for now; when the shared
/// <c>Imaging.ImageLoader</c> lands, only this helper needs to change.
/// </summary>
internal static class ImageDecoding
{
    /// <summary>Decodes encoded bytes (PNG, JPEG, …); throws <see cref="InvalidDataException"/> naming the source.</summary>
    public static SKBitmap Decode(byte[] encoded, string sourceDescription)
    {
        SKBitmap? bitmap = TryDecode(encoded);
        return bitmap ?? throw new InvalidDataException($"{sourceDescription}: not a decodable image ({encoded.Length} bytes)");
    }

    /// <summary>True when the bytes decode; used by validation, which only needs a yes/no.</summary>
    public static bool CanDecode(byte[] encoded)
    {
        using SKBitmap? bitmap = TryDecode(encoded);
        return bitmap is not null;
    }

    // SKBitmap.Decode(byte[]) throws ArgumentNullException when no codec recognises the bytes; ask for a codec first.
    private static SKBitmap? TryDecode(byte[] encoded)
    {
        if (encoded.Length == 0)
            return null;
        using SKData data = SKData.CreateCopy(encoded);
        using SKCodec? codec = SKCodec.Create(data);
        return codec is null ? null : SKBitmap.Decode(codec);
    }
}
