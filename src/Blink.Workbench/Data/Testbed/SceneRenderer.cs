using SkiaSharp;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// Draws testbed scenes with SkiaSharp (anti-aliased): a muted gradient background with speckle noise and thin
/// clutter lines, large translucent distractors, the optional white frame, then the small objects and digits. All
/// geometry comes from the caller or from the PRNG; no trigonometry or fonts, so output depends only on the seed.
/// </summary>
internal static class SceneRenderer
{
    private static readonly SKColor Outline = new(28, 28, 28);
    private static readonly SKColor Plate = new(30, 30, 30);

    // Unit 5-pointed star (outer radius 1, inner 0.45), starting at the top, clockwise; precomputed so that no
    // platform-dependent Math.Sin/Cos enters the drawing.
    private static readonly (float X, float Y)[] UnitStar =
    [
        (0f, -1f), (0.26450336f, -0.36405764f), (0.95105652f, -0.30901699f), (0.42797569f, 0.13905765f),
        (0.58778525f, 0.80901699f), (0f, 0.45f), (-0.58778525f, 0.80901699f), (-0.42797569f, 0.13905765f),
        (-0.95105652f, -0.30901699f), (-0.26450336f, -0.36405764f),
    ];

    public static SKBitmap NewCanvasBitmap(int size) =>
        new(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));

    public static void DrawBackground(SKCanvas canvas, int size, TestbedRandom rng, int speckles, int lines, float tokenPixels)
    {
        var c0 = MutedColor(rng, 150, 225);
        var c1 = MutedColor(rng, 120, 210);
        var p0 = new SKPoint((float)rng.NextDouble(0, size), (float)rng.NextDouble(0, size));
        var p1 = new SKPoint((float)rng.NextDouble(0, size), (float)rng.NextDouble(0, size));
        if (Math.Abs(p0.X - p1.X) + Math.Abs(p0.Y - p1.Y) < size * 0.25f)
            p1 = new SKPoint(size - p0.X, size - p0.Y);
        using (var shader = SKShader.CreateLinearGradient(p0, p1, [c0, c1], null, SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = shader, IsAntialias = true })
            canvas.DrawRect(0, 0, size, size, paint);

        using var speck = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        for (var i = 0; i < speckles; i++)
        {
            var grey = (byte)rng.Next(40, 256);
            speck.Color = new SKColor(grey, grey, grey, (byte)rng.Next(50, 140));
            var x = (float)rng.NextDouble(0, size);
            var y = (float)rng.NextDouble(0, size);
            var s = (float)rng.NextDouble(0.8, 2.6) * Math.Max(1f, tokenPixels / 56f);
            canvas.DrawRect(x, y, s, s, speck);
        }

        using var line = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round };
        for (var i = 0; i < lines; i++)
        {
            line.Color = MutedColor(rng, 70, 200).WithAlpha((byte)rng.Next(90, 170));
            line.StrokeWidth = (float)rng.NextDouble(0.02, 0.05) * tokenPixels;
            var x0 = (float)rng.NextDouble(0, size);
            var y0 = (float)rng.NextDouble(0, size);
            var len = (float)rng.NextDouble(0.5, 2.5) * tokenPixels;
            var dx = (float)rng.NextDouble(-1, 1);
            var dy = (float)rng.NextDouble(-1, 1);
            var norm = MathF.Sqrt(dx * dx + dy * dy) + 1e-3f;
            canvas.DrawLine(x0, y0, x0 + dx / norm * len, y0 + dy / norm * len, line);
        }
    }

    /// <summary>A low-saturation colour (grey with a slight tint) with the given brightness range.</summary>
    public static SKColor MutedColor(TestbedRandom rng, int minGrey, int maxGrey)
    {
        var g = rng.Next(minGrey, maxGrey + 1);
        byte Channel() => (byte)Math.Clamp(g + rng.Next(-22, 23), 0, 255);
        return new SKColor(Channel(), Channel(), Channel());
    }

    public static void DrawLargeDistractor(SKCanvas canvas, string kind, SKRect box, SKColor color)
    {
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = color };
        FillShape(canvas, kind, box, paint);
    }

    public static void DrawFrame(SKCanvas canvas, SKRect box, float strokeWidth)
    {
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, Color = SKColors.White, StrokeWidth = strokeWidth };
        var half = strokeWidth / 2;
        canvas.DrawRect(new SKRect(box.Left + half, box.Top + half, box.Right - half, box.Bottom - half), paint);
    }

    /// <summary>A small object: filled with its colour, outlined dark so light colours stay visible.</summary>
    public static void DrawSmallShape(SKCanvas canvas, string kind, SKRect box, SKColor color, float outlineWidth)
    {
        var inset = outlineWidth / 2;
        var inner = new SKRect(box.Left + inset, box.Top + inset, box.Right - inset, box.Bottom - inset);
        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = color };
        using var stroke = new SKPaint
        {
            IsAntialias = true, Style = SKPaintStyle.Stroke, Color = Outline, StrokeWidth = outlineWidth,
            StrokeJoin = SKStrokeJoin.Miter,
        };
        FillShape(canvas, kind, inner, fill);
        FillShape(canvas, kind, inner, stroke);
    }

    public static void DrawDigit(SKCanvas canvas, int digit, SKRect plateBox, float padding, SKColor color)
    {
        using var plate = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = Plate };
        var radius = padding * 0.6f;
        canvas.DrawRoundRect(plateBox, radius, radius, plate);
        var digitBox = new SKRect(plateBox.Left + padding, plateBox.Top + padding, plateBox.Right - padding, plateBox.Bottom - padding);
        using var segment = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = color };
        foreach (var rect in SevenSegment.SegmentRects(digit, digitBox))
            canvas.DrawRect(rect, segment);
    }

    private static void FillShape(SKCanvas canvas, string kind, SKRect r, SKPaint paint)
    {
        switch (kind)
        {
            case "circle":
                canvas.DrawOval(r, paint);
                break;
            case "square":
                canvas.DrawRect(r, paint);
                break;
            case "triangle":
            {
                using var path = new SKPath();
                path.MoveTo(r.MidX, r.Top);
                path.LineTo(r.Right, r.Bottom);
                path.LineTo(r.Left, r.Bottom);
                path.Close();
                canvas.DrawPath(path, paint);
                break;
            }
            case "cross":
            {
                // A plus sign; arms a third of the box wide.
                float a = r.Width / 3, b = r.Height / 3;
                using var path = new SKPath();
                path.MoveTo(r.Left + a, r.Top);
                path.LineTo(r.Right - a, r.Top);
                path.LineTo(r.Right - a, r.Top + b);
                path.LineTo(r.Right, r.Top + b);
                path.LineTo(r.Right, r.Bottom - b);
                path.LineTo(r.Right - a, r.Bottom - b);
                path.LineTo(r.Right - a, r.Bottom);
                path.LineTo(r.Left + a, r.Bottom);
                path.LineTo(r.Left + a, r.Bottom - b);
                path.LineTo(r.Left, r.Bottom - b);
                path.LineTo(r.Left, r.Top + b);
                path.LineTo(r.Left + a, r.Top + b);
                path.Close();
                canvas.DrawPath(path, paint);
                break;
            }
            case "star":
            {
                var rx = r.Width / 2;
                var ry = r.Height / 2;
                // The star's vertical extent is [-1, 0.809]; centre it in the box.
                var cy = r.MidY + ry * 0.0955f;
                using var path = new SKPath();
                for (var i = 0; i < UnitStar.Length; i++)
                {
                    var (x, y) = UnitStar[i];
                    var p = new SKPoint(r.MidX + x * rx, cy + y * ry * 1.05f);
                    if (i == 0) path.MoveTo(p); else path.LineTo(p);
                }
                path.Close();
                canvas.DrawPath(path, paint);
                break;
            }
            default:
                throw new ArgumentException($"Unknown shape kind '{kind}'.", nameof(kind));
        }
    }
}
