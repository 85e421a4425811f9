using Blink.Workbench.Evaluation;
using SkiaSharp;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>Where a benchmark item's image comes from: a file on disk or base64 text inside a TSV (MMBench).</summary>
public abstract class ImageSource
{
    /// <summary>The encoded image bytes (PNG, JPEG…).</summary>
    public abstract byte[] ReadBytes();

    /// <summary>Human-readable origin for error messages (path, or TSV file and line).</summary>
    public abstract string Describe();

    /// <summary>Decodes the image; throws <see cref="InvalidDataException"/> naming the origin if it does not decode.</summary>
    public SKBitmap Decode() => Imaging.ImageLoader.FromBytes(ReadBytes(), Describe());

    public static ImageSource FromFile(string path) => new FileImageSource(path);

    public static ImageSource FromBase64(string base64, string origin) => new Base64ImageSource(base64, origin);

    public override string ToString() => Describe();
}

/// <summary>An image file on disk.</summary>
public sealed class FileImageSource(string path) : ImageSource
{
    public string Path { get; } = path;

    public override byte[] ReadBytes() =>
        File.Exists(Path) ? File.ReadAllBytes(Path) : throw new FileNotFoundException($"image not found: {Path}", Path);

    public override string Describe() => Path;
}

/// <summary>A base64-encoded image embedded in a data file.</summary>
public sealed class Base64ImageSource(string base64, string origin) : ImageSource
{
    public string Base64 { get; } = base64;
    public string Origin { get; } = origin;

    public override byte[] ReadBytes()
    {
        try
        {
            return Convert.FromBase64String(Base64);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{Origin}: image column is not valid base64", e);
        }
    }

    public override string Describe() => Origin;
}
