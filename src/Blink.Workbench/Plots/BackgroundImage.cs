using SkiaSharp;

namespace Blink.Workbench.Plots;

/// <summary>
/// A picture drawn under a panel's traces, stretched over the data rectangle [X0, X1] × [Y0, Y1] (Y0 is the top edge
/// on a reversed y axis). Used for attention maps over the input image.
/// </summary>
public sealed record BackgroundImage(SKBitmap Image, double X0, double Y0, double X1, double Y1);
