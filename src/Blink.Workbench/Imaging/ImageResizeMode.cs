namespace Blink.Workbench.Imaging;

/// <summary>How a non-square image becomes the square model input.</summary>
public enum ImageResizeMode
{
    /// <summary>
    /// Original LLaVA-1.5 (<c>image_aspect_ratio = "pad"</c>, <c>expand2square</c>): pad the short side with the mean
    /// colour (<c>int(mean * 255)</c> per channel) so the image is centred on a square, then resize. Nothing is cut.
    /// </summary>
    PadToSquare,

    /// <summary>
    /// llava-hf / CLIPImageProcessor: resize so the shortest edge equals the input size, then centre-crop the long
    /// side. The borders of a non-square image are lost.
    /// </summary>
    ResizeShortestAndCenterCrop,
}
