using System.Text.RegularExpressions;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Tests.Data;

/// <summary>
/// Recomputes a question's answer from the scene description alone, independently of the generator's own logic:
/// parses the question text and looks at the recorded objects. Also returns the boxes the answer depends on.
/// </summary>
internal static partial class TestbedOracle
{
    public static (string Answer, IReadOnlyList<PixelBox> Relevant) Solve(TestbedQuestion q, TestbedScene scene)
    {
        var text = q.Question.ToLowerInvariant();
        var small = scene.Objects.Where(o => o.Size == "small").ToList();
        var shapes = small.Where(o => o.Kind != "digit").ToList();
        Match m;
        switch (q.Category)
        {
            case "existence":
            {
                m = Must(ExistenceRx(), text);
                var hits = shapes.Where(o => o.Color == m.Groups[1].Value && o.Kind == m.Groups[2].Value).ToList();
                Assert.True(hits.Count <= 1, $"{q.QuestionId}: target drawn {hits.Count} times");
                return (hits.Count > 0 ? "yes" : "no", hits.Select(h => h.PixelBox).ToList());
            }
            case "color":
            {
                m = Must(ColorRx(), text);
                var hit = Assert.Single(shapes, o => o.Kind == m.Groups[1].Value);
                return (hit.Color, [hit.PixelBox]);
            }
            case "shape":
            {
                m = Must(ShapeRx(), text);
                var hit = Assert.Single(shapes, o => o.Color == m.Groups[1].Value);
                return (hit.Kind, [hit.PixelBox]);
            }
            case "count":
            {
                var region = Assert.IsType<SceneRegion>(scene.Region).PixelBox;
                string plural;
                if ((m = FrameRx().Match(text)).Success)
                {
                    Assert.Equal("frame", scene.Region!.Kind);
                    plural = m.Groups[1].Value;
                }
                else
                {
                    m = Must(QuadrantRx(), text);
                    plural = m.Groups[1].Value;
                    var half = scene.Width / 2;
                    var x = m.Groups[3].Value == "left" ? 0 : half;
                    var y = m.Groups[2].Value == "top" ? 0 : half;
                    Assert.Equal(new PixelBox(x, y, x + half, y + half), region);
                }
                var shape = plural == "crosses" ? "cross" : plural.TrimEnd('s');
                foreach (var o in small) // nothing straddles the region's border: inside or clearly outside
                    Assert.True(region.Contains(o.PixelBox) || !region.Intersects(o.PixelBox), $"{q.QuestionId}: {o} straddles {region}");
                var n = shapes.Count(o => o.Kind == shape && region.Contains(o.PixelBox));
                return (n.ToString(), [region]);
            }
            case "digit":
            {
                m = Must(DigitRx(), text);
                var hit = Assert.Single(small, o => o.Kind == "digit" && o.Color == m.Groups[1].Value);
                return (hit.Label!, [hit.PixelBox]);
            }
            case "position" when PositionColorRx().Match(text) is { Success: true } mc:
            {
                // The reference, and on each side of it along the relation's axis one item of the asked shape.
                var reference = Assert.Single(shapes, o => o.Kind == mc.Groups[3].Value);
                var items = shapes.Where(o => o.Kind == mc.Groups[1].Value).ToList();
                Assert.Equal(2, items.Count);
                var r = reference.PixelBox;
                var hit = Assert.Single(items, o => mc.Groups[2].Value switch
                {
                    "to the left of" => o.PixelBox.X1 <= r.X0,
                    "to the right of" => o.PixelBox.X0 >= r.X1,
                    "above" => o.PixelBox.Y1 <= r.Y0,
                    "below" => o.PixelBox.Y0 >= r.Y1,
                    _ => throw new InvalidOperationException(mc.Groups[2].Value),
                });
                return (hit.Color, [.. items.Select(o => o.PixelBox), r]);
            }
            case "position":
            {
                m = Must(PositionRx(), text);
                var a = Assert.Single(shapes, o => o.Color == m.Groups[1].Value && o.Kind == m.Groups[2].Value);
                var b = Assert.Single(shapes, o => o.Color == m.Groups[4].Value && o.Kind == m.Groups[5].Value);
                var (pa, pb) = (a.PixelBox, b.PixelBox);
                var holds = m.Groups[3].Value switch
                {
                    "to the left of" => pa.CenterX < pb.CenterX,
                    "to the right of" => pa.CenterX > pb.CenterX,
                    "above" => pa.CenterY < pb.CenterY,
                    "below" => pa.CenterY > pb.CenterY,
                    _ => throw new InvalidOperationException(m.Groups[3].Value),
                };
                return (holds ? "yes" : "no", [pa, pb]);
            }
            default:
                throw new InvalidOperationException($"unknown category {q.Category}");
        }
    }

    private static Match Must(Regex rx, string text)
    {
        var m = rx.Match(text);
        Assert.True(m.Success, $"question '{text}' does not match {rx}");
        return m;
    }

    [GeneratedRegex(@"^is there a small (\w+) (\w+) in the image\?$")] private static partial Regex ExistenceRx();
    [GeneratedRegex(@"^what color is the small (\w+)\?$")] private static partial Regex ColorRx();
    [GeneratedRegex(@"^what shape is the small (\w+) object\?$")] private static partial Regex ShapeRx();
    [GeneratedRegex(@"^how many small (\w+) are inside the white frame\?$")] private static partial Regex FrameRx();
    [GeneratedRegex(@"^how many small (\w+) are in the (top|bottom) (left|right) quadrant\?$")] private static partial Regex QuadrantRx();
    [GeneratedRegex(@"^what digit is shown in (\w+)\?$")] private static partial Regex DigitRx();
    [GeneratedRegex(@"^is the small (\w+) (\w+) (to the left of|to the right of|above|below) the small (\w+) (\w+)\?$")] private static partial Regex PositionRx();
    [GeneratedRegex(@"^what color is the small (\w+) (to the left of|to the right of|above|below) the small (\w+)\?$")] private static partial Regex PositionColorRx();
}
