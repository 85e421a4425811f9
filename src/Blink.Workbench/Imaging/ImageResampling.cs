namespace Blink.Workbench.Imaging;

/// <summary>Resampling filters, implemented to match PIL's <c>Image.resize</c> (which LLaVA and HF processors use).</summary>
public enum ImageResampling
{
    /// <summary>PIL BICUBIC (a = −0.5), antialiased when shrinking; CLIP's default.</summary>
    Bicubic,
    /// <summary>PIL BILINEAR (triangle filter), antialiased when shrinking.</summary>
    Bilinear,
    /// <summary>PIL NEAREST: the source pixel under each output pixel centre.</summary>
    Nearest,
}
