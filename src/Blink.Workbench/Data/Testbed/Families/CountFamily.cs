using System.Globalization;
using Blink.Workbench.Imaging;
using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// "How many small squares are inside the white frame?" (or in a quadrant) — the answer cycles through
/// CountMin…CountMax by round; the same shape also stands outside the frame, so the count depends on place.
/// </summary>
internal sealed class CountFamily : IQuestionFamily
{
    public string Category => Count;

    public FillerRule? Plan(ScenePlanner scene, int round)
    {
        var (o, rng, plan, layout) = (scene.Options, scene.Rng, scene.Plan, scene.Layout);
        var shape = rng.Pick(Shapes);
        var n = o.CountMin + round % (o.CountMax - o.CountMin + 1);
        PixelBox region, inner, keepOut;
        if (rng.NextDouble() >= o.QuadrantCountShare)
        {
            var tp = o.TokenPixels;
            var w = (int)Math.Round(rng.NextDouble(o.FrameMinTokens, o.FrameMaxTokens) * tp);
            var h = (int)Math.Round(rng.NextDouble(o.FrameMinTokens, o.FrameMaxTokens) * tp);
            var u = layout.Usable;
            var x = rng.NextInclusive((int)u.X0, (int)u.X1 - w);
            var y = rng.NextInclusive((int)u.Y0, (int)u.Y1 - h);
            region = new PixelBox(x, y, x + w, y + h);
            inner = region.Inflate(-o.FrameInsetPixels);
            keepOut = region.Inflate(o.FrameInsetPixels);
            plan.Region = new SceneRegion(SceneRegion.Frame, region.ToIntArray());
            plan.Question = CountInFrameQuestion(shape);
        }
        else
        {
            var q = rng.Next(0, 4);
            var half = o.ImageSize / 2;
            var (qx, qy) = (q % 2 * half, q / 2 * half);
            region = new PixelBox(qx, qy, qx + half, qy + half);
            inner = region.Inflate(-o.GapPixels / 2.0);
            keepOut = region.Inflate(o.GapPixels / 2.0);
            plan.Region = new SceneRegion(SceneRegion.Quadrant, region.ToIntArray(), Quadrants[q]);
            plan.Question = CountInQuadrantQuestion(shape, Quadrants[q]);
        }
        var pairs = o.CountPairs && plan.Region?.Kind == SceneRegion.Frame ? n / 2 : 0;
        for (var i = 0; i < pairs; i++)
            if (!scene.PlaceCountPair(shape, inner)) return null;
        for (var i = 2 * pairs; i < n; i++)
            if (scene.PlaceSmall(shape, rng.Pick(ColorNames), inner, side: scene.CountSide()) is null)
                return null;
        // The same shape outside the frame makes the count depend on place. By default the items are tiny
        // (TestbedOptions.CountObjectMinTokens) and alone in the frame, so their number is the detail the zoom
        // resolves; with items large enough to count as blobs in the whole image, other shapes inside
        // (CountOthersMin/Max) make the shapes, which need the zoom, decide the count instead.
        var otherShapes = Shapes.Where(s => s != shape).ToArray();
        if (o.CountFrameObjects is { } total)
        {
            for (var i = n; i < total; i++)
                if (scene.PlaceSmall(rng.Pick(otherShapes), rng.Pick(ColorNames), inner, side: scene.CountSide()) is null)
                    return null;
        }
        else
        {
            var othersInside = rng.NextInclusive(o.CountOthersMin, o.CountOthersMax);
            for (var i = 0; i < othersInside; i++)
                scene.PlaceSmall(rng.Pick(otherShapes), rng.Pick(ColorNames), inner, side: scene.CountSide());
        }
        var sameOutside = rng.NextInclusive(0, 2);
        for (var i = 0; i < sameOutside; i++)
            scene.PlaceSmall(shape, rng.Pick(ColorNames), layout.Usable, b => !b.Intersects(keepOut), scene.CountSide());
        plan.Answer = n.ToString(CultureInfo.InvariantCulture);
        plan.Evidence = region;
        return new FillerRule((_, _) => true, b => !b.Intersects(keepOut));
    }
}
