namespace Blink.Workbench.Imaging;

/// <summary>
/// An image could not be read or decoded. <see cref="ImageSource"/> names the file (or the in-memory source, such as
/// "mmbench_dev.tsv row 17") so a user can find the offending input without a debugger.
/// </summary>
public sealed class ImageLoadException : IOException
{
    public ImageLoadException(string imageSource, string reason, Exception? inner = null)
        : base($"Cannot load image '{imageSource}': {reason}", inner)
    {
        ImageSource = imageSource;
        Reason = reason;
    }

    /// <summary>The file path or the description of the in-memory source.</summary>
    public string ImageSource { get; }

    /// <summary>Why the image could not be loaded, without the source name.</summary>
    public string Reason { get; }
}
