using Blink.Workbench.Imaging;
using SkiaSharp;
using static Blink.Workbench.Data.Testbed.TestbedVocabulary;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// Deterministic generator of the synthetic fine-grained visual-QA testbed. Sample <c>(split, index)</c> is a pure
/// function of <see cref="TestbedOptions.Seed"/>, the split and the index, so samples can be made on demand in any
/// order (the training loop generates in memory) and written files can always be regenerated bit for bit.
/// Categories rotate by index; yes/no answers of existence/position and the count/digit answers rotate by round,
/// so every split is exactly balanced.
/// </summary>
public sealed class TestbedGenerator
{
    private const int MaxPlanAttempts = 50;

    public TestbedGenerator(TestbedOptions? options = null)
    {
        Options = options ?? new TestbedOptions();
        Options.Validate();
    }

    public TestbedOptions Options { get; }

    /// <summary>
    /// The generator for a model: scenes drawn at its vision tower's input size and patch grid (so evidence boxes map
    /// onto whole visual tokens), with <paramref name="options"/>' other knobs (the defaults when null).
    /// </summary>
    public static TestbedGenerator ForModel(Models.LlavaConfig config, TestbedOptions? options = null) =>
        new((options ?? new TestbedOptions()) with { InputSize = config.VisionConfig.ImageSize, PatchSize = config.VisionConfig.PatchSize });

    /// <summary>Stem shared by the question id and the image file of a sample, e.g. <c>train_000042</c>.</summary>
    public static string SampleName(TestbedSplit split, int index) => $"{split.Name()}_{index:D6}";

    /// <summary>The seed from which sample <paramref name="index"/> of <paramref name="split"/> is drawn.</summary>
    public ulong SampleSeed(TestbedSplit split, int index) =>
        TestbedRandom.MixSeed((uint)Options.Seed, 0x5EED_0000UL + (ulong)split, (ulong)index);

    /// <summary>The category that sample <paramref name="index"/> asks about.</summary>
    public string CategoryOf(int index) => Options.Categories[index % Options.Categories.Count];

    public IEnumerable<TestbedSample> Generate(TestbedSplit split, int start, int count)
    {
        if (start < 0) throw new ArgumentOutOfRangeException(nameof(start), start, "must not be negative.");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative.");
        for (var i = 0; i < count; i++)
            yield return Generate(split, start + i);
    }

    public TestbedSample Generate(TestbedSplit split, int index)
    {
        if (index < 0)
            throw new ArgumentOutOfRangeException(nameof(index), index, "Sample index must not be negative.");
        var rng = new TestbedRandom(SampleSeed(split, index));
        var category = CategoryOf(index);
        var round = index / Options.Categories.Count;
        var name = SampleName(split, index);

        ScenePlan? plan = null;
        for (var attempt = 0; attempt < MaxPlanAttempts && plan is null; attempt++)
            plan = TryPlan(category, round, rng);
        if (plan is null)
            throw new InvalidOperationException(
                $"Could not lay out sample {name} ({category}) in {MaxPlanAttempts} attempts; the options leave too little room " +
                "(lower FillerObjectsMax, CountMax or the object sizes).");

        var image = Render(plan, rng);
        var evidence = plan.Evidence.Inflate(Math.Round(0.25 * Options.TokenPixels)).ClampTo(Options.ImageSize, Options.ImageSize);
        var question = new TestbedQuestion(name, name + ".png", WithSuffix(plan.Question), category, plan.Answer,
            TestbedVocabulary.Choices(category, Options.CountMax, Options.PositionForm), evidence.ToIntArray());
        var objects = plan.Large.Concat(plan.Small).ToArray();
        var scene = new TestbedScene(name, name + ".png", split.Name(), index, Options.ImageSize, Options.ImageSize, objects, plan.Region);
        return new TestbedSample(question, scene, image);
    }

    // ---- planning: decide objects, question, answer and evidence (no drawing) ----

    /// <summary>One family per category; position questions come in two forms (TestbedOptions.PositionForm).</summary>
    private static readonly IQuestionFamily[] Families =
        [new ExistenceFamily(), new ColorFamily(), new ShapeFamily(), new CountFamily(), new DigitFamily()];

    private static readonly IQuestionFamily PositionColor = new PositionColorFamily(), PositionYesNo = new PositionYesNoFamily();

    private IQuestionFamily FamilyOf(string category) => category == Position
        ? Options.PositionAsksColor ? PositionColor : PositionYesNo
        : Families.FirstOrDefault(f => f.Category == category) ?? throw new ArgumentException($"Unknown category '{category}'.", nameof(category));

    private ScenePlan? TryPlan(string category, int round, TestbedRandom rng)
    {
        var family = FamilyOf(category);
        var layout = new SceneLayout(Options.ImageSize, Options.GapPixels, Math.Max(2, Options.GapPixels / 2));
        var plan = new ScenePlan();
        if (family.Plan(new ScenePlanner(this, plan, layout, rng), round) is not { } filler) return null;
        var (fillerAllowed, fillerWhere) = (filler.Allowed, filler.Where);

        var allowed = (from c in ColorNames from s in Shapes where fillerAllowed(c, s) select (c, s)).ToArray();
        var fillers = rng.NextInclusive(Options.FillerObjectsMin, Options.FillerObjectsMax);
        for (var i = 0; i < fillers && allowed.Length > 0; i++)
        {
            var (c, s) = rng.Pick(allowed);
            PlaceSmall(plan, layout, rng, s, c, layout.Usable, fillerWhere); // a filler that does not fit is left out
        }

        var large = Options.LargeDistractorsMax == 0 ? 0 : rng.NextInclusive(1, Options.LargeDistractorsMax);
        for (var i = 0; i < large; i++)
        {
            var side = (int)Math.Round(rng.NextDouble(1.2, 2.5) * Options.TokenPixels);
            var x = rng.NextInclusive(0, Options.ImageSize - side);
            var y = rng.NextInclusive(0, Options.ImageSize - side);
            var kind = rng.Pick(new[] { "circle", "square", "triangle" });
            plan.Large.Add(new SceneObject(kind, MutedColor, Large, [x, y, x + side, y + side]));
        }
        return plan;
    }

    internal PixelBox RandomArea(TestbedRandom rng, double tokens)
    {
        var side = (int)Math.Round(tokens * Options.TokenPixels);
        var max = Options.ImageSize - side;
        var x = rng.NextInclusive(0, max);
        var y = rng.NextInclusive(0, max);
        return new PixelBox(x, y, x + side, y + side);
    }

    private int SmallSide(TestbedRandom rng) => Side(rng, Options.SmallObjectMinTokens, Options.SmallObjectMaxTokens);

    /// <summary>Side of a shape question's object; with the shape options null, the same draw as <see cref="SmallSide"/>.</summary>
    internal int ShapeSide(TestbedRandom rng) =>
        Side(rng, Options.ShapeObjectMinTokens ?? Options.SmallObjectMinTokens, Options.ShapeObjectMaxTokens ?? Options.SmallObjectMaxTokens);

    private int Side(TestbedRandom rng, double minTokens, double maxTokens) =>
        (int)Math.Round(rng.NextDouble(minTokens, maxTokens) * Options.TokenPixels);

    /// <summary>
    /// Side of a count question's object. Without <see cref="TestbedOptions.CountObjectMinTokens"/> it is drawn exactly
    /// as <see cref="SmallSide"/> (same random draw), so the default testbed is unchanged by the option's existence.
    /// </summary>
    internal int CountSide(TestbedRandom rng) => Side(rng, Options.CountMinTokens, Options.CountMaxTokens);

    internal PixelBox? PlaceSmall(ScenePlan plan, SceneLayout layout, TestbedRandom rng, string shape, string color,
        PixelBox area, Func<PixelBox, bool>? accept = null, int? side = null)
    {
        var s = side ?? SmallSide(rng);
        var box = layout.TryPlace(rng, s, s, area, accept);
        if (box is { } b)
            plan.Small.Add(new SceneObject(shape, color, Small, b.ToIntArray()));
        return box;
    }

    /// <summary>
    /// Two objects of <paramref name="shape"/> side by side, <see cref="TestbedOptions.PairGapPixels"/> apart, with
    /// both centres in the same token of the whole image; the pair keeps the usual gap to everything else.
    /// </summary>
    internal bool PlaceCountPair(ScenePlan plan, SceneLayout layout, TestbedRandom rng, string shape, PixelBox area)
    {
        var tp = Options.TokenPixels;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var (s1, s2) = (CountSide(rng), CountSide(rng));
            var horizontal = rng.Next(0, 2) == 0;
            var x = rng.NextInclusive((int)Math.Ceiling(area.X0), (int)Math.Floor(area.X1) - s1);
            var y = rng.NextInclusive((int)Math.Ceiling(area.Y0), (int)Math.Floor(area.Y1) - s1);
            var a = new PixelBox(x, y, x + s1, y + s1);
            var b = Beside(a, s2, horizontal, after: true, rng.NextInclusive(-(s1 / 4), s1 / 4));
            var sameToken = Math.Floor(a.CenterX / tp) == Math.Floor(b.CenterX / tp) && Math.Floor(a.CenterY / tp) == Math.Floor(b.CenterY / tp);
            if (!sameToken || !area.Contains(b) || !layout.IsFree(a) || !layout.IsFree(b)) continue;
            layout.Add(a);
            layout.Add(b);
            plan.Small.Add(new SceneObject(shape, rng.Pick(ColorNames), Small, a.ToIntArray()));
            plan.Small.Add(new SceneObject(shape, rng.Pick(ColorNames), Small, b.ToIntArray()));
            return true;
        }
        return false;
    }

    /// <summary>
    /// A square of <paramref name="side"/> <see cref="TestbedOptions.PairGapPixels"/> from <paramref name="anchor"/>
    /// along one axis (after it: larger x or y; else before it), centred on it across that axis, then shifted
    /// <paramref name="across"/> pixels.
    /// </summary>
    private PixelBox Beside(PixelBox anchor, int side, bool horizontal, bool after, int across)
    {
        var gap = Options.PairGapPixels;
        int Along(double start, double end) => after ? (int)end + gap : (int)start - gap - side;
        int Across(double center) => (int)Math.Round(center - side / 2.0) + across;
        var (x, y) = horizontal ? (Along(anchor.X0, anchor.X1), Across(anchor.CenterY)) : (Across(anchor.CenterX), Along(anchor.Y0, anchor.Y1));
        return new PixelBox(x, y, x + side, y + side);
    }

    internal PixelBox? PlaceDigit(ScenePlan plan, SceneLayout layout, TestbedRandom rng, int digit, string color)
    {
        var (w, h) = DigitPlateSize(rng);
        var box = layout.TryPlace(rng, w, h, layout.Usable);
        if (box is { } b)
            plan.Small.Add(new SceneObject(DigitKind, color, Small, b.ToIntArray(),
                digit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return box;
    }

    /// <summary>Plate size of a digit: digit height h, width 0.6 h, padding 0.15 h on each side.</summary>
    private (int W, int H) DigitPlateSize(TestbedRandom rng)
    {
        var h = rng.NextDouble(Options.DigitMinTokens, Options.DigitMaxTokens) * Options.TokenPixels;
        var pad = DigitPadding(h);
        return ((int)Math.Round(0.6 * h + 2 * pad), (int)Math.Round(h + 2 * pad));
    }

    private static double DigitPadding(double digitHeight) => Math.Max(2, 0.15 * digitHeight);

    /// <summary>
    /// Places A and B a short distance apart (so both fit one zoom) with their boxes fully separated along the
    /// relation's axis: the answer never hinges on a pixel.
    /// </summary>
    internal (PixelBox A, PixelBox B)? PlacePair(ScenePlan plan, SceneLayout layout, TestbedRandom rng,
        (string Color, string Shape) a, (string Color, string Shape) b, string relation, bool holds)
    {
        var tp = Options.TokenPixels;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var sideA = SmallSide(rng);
            var sideB = SmallSide(rng);
            var minDist = (sideA + sideB) / 2.0 + Options.GapPixels;
            var dist = Math.Max(minDist, rng.NextDouble(0.7, 2.0) * tp);
            var across = rng.NextDouble(-1.0, 1.0) * tp;
            var u = layout.Usable;
            var ax = rng.NextInclusive((int)u.X0, (int)u.X1 - sideA);
            var ay = rng.NextInclusive((int)u.Y0, (int)u.Y1 - sideA);
            var boxA = new PixelBox(ax, ay, ax + sideA, ay + sideA);
            // Direction of B from A along the axis: "A left of B" holds when B is to the right (+x), etc.
            var sign = relation is "left" or "above" ? 1 : -1;
            if (!holds) sign = -sign;
            var horizontal = relation is "left" or "right";
            var bcx = boxA.CenterX + (horizontal ? sign * dist : across);
            var bcy = boxA.CenterY + (horizontal ? across : sign * dist);
            var bx = (int)Math.Round(bcx - sideB / 2.0);
            var by = (int)Math.Round(bcy - sideB / 2.0);
            var boxB = new PixelBox(bx, by, bx + sideB, by + sideB);
            var separated = horizontal
                ? boxA.X1 + Options.GapPixels <= boxB.X0 || boxB.X1 + Options.GapPixels <= boxA.X0
                : boxA.Y1 + Options.GapPixels <= boxB.Y0 || boxB.Y1 + Options.GapPixels <= boxA.Y0;
            if (!separated || !layout.IsFree(boxA) || !layout.IsFree(boxB))
                continue;
            layout.Add(boxA);
            layout.Add(boxB);
            plan.Small.Add(new SceneObject(a.Shape, a.Color, Small, boxA.ToIntArray()));
            plan.Small.Add(new SceneObject(b.Shape, b.Color, Small, boxB.ToIntArray()));
            return (boxA, boxB);
        }
        return null;
    }

    /// <summary>
    /// A reference object with one item of <paramref name="shape"/> on the <paramref name="relation"/> side (colour
    /// <paramref name="nearColor"/>) and one on the opposite side (<paramref name="farColor"/>), each
    /// <see cref="TestbedOptions.PairGapPixels"/> from the reference: a cluster the base grid blurs into a token or two.
    /// Returns the near item's box first, then the reference's, then the far item's.
    /// </summary>
    internal PixelBox[]? PlaceFlanked(ScenePlan plan, SceneLayout layout, TestbedRandom rng, (string Color, string Shape) reference,
        string shape, string nearColor, string farColor, string relation)
    {
        var (min, max) = (Options.PositionObjectMinTokens ?? Options.SmallObjectMinTokens, Options.PositionObjectMaxTokens ?? Options.SmallObjectMaxTokens);
        var horizontal = relation is "left" or "right";
        var nearFirst = relation is "left" or "above"; // the near item sits towards smaller x/y for left/above
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var (sr, sn, sf) = (Side(rng, min, max), Side(rng, min, max), Side(rng, min, max));
            var u = layout.Usable;
            var x = rng.NextInclusive((int)u.X0, (int)u.X1 - sr);
            var y = rng.NextInclusive((int)u.Y0, (int)u.Y1 - sr);
            var r = new PixelBox(x, y, x + sr, y + sr);
            var near = Beside(r, sn, horizontal, after: !nearFirst, rng.NextInclusive(-(sr / 4), sr / 4));
            var far = Beside(r, sf, horizontal, after: nearFirst, rng.NextInclusive(-(sr / 4), sr / 4));
            if (!u.Contains(near) || !u.Contains(far) || !layout.IsFree(r) || !layout.IsFree(near) || !layout.IsFree(far)) continue;
            foreach (var b in new[] { near, r, far }) layout.Add(b);
            plan.Small.Add(new SceneObject(shape, nearColor, Small, near.ToIntArray()));
            plan.Small.Add(new SceneObject(reference.Shape, reference.Color, Small, r.ToIntArray()));
            plan.Small.Add(new SceneObject(shape, farColor, Small, far.ToIntArray()));
            return [near, r, far];
        }
        return null;
    }

    // ---- drawing ----

    private SKBitmap Render(ScenePlan plan, TestbedRandom rng)
    {
        var size = Options.ImageSize;
        var tp = (float)Options.TokenPixels;
        var bitmap = SceneRenderer.NewCanvasBitmap(size);
        using var canvas = new SKCanvas(bitmap);
        SceneRenderer.DrawBackground(canvas, size, rng, Options.NoiseSpeckles * Options.RenderScale * Options.RenderScale / 16,
            Options.ClutterLines, tp);
        foreach (var o in plan.Large)
        {
            var color = SceneRenderer.MutedColor(rng, 60, 200).WithAlpha((byte)rng.Next(70, 130));
            SceneRenderer.DrawLargeDistractor(canvas, o.Kind, Rect(o.Box), color);
        }
        if (plan.Region is { Kind: SceneRegion.Frame } frame)
            SceneRenderer.DrawFrame(canvas, Rect(frame.Box), Math.Max(1.5f, 0.05f * tp));
        var outline = Math.Max(1f, 0.035f * tp);
        foreach (var o in plan.Small)
        {
            if (o.Kind == DigitKind)
            {
                var plateHeight = o.Box[3] - o.Box[1];
                var padding = (float)DigitPadding(plateHeight / 1.3);
                SceneRenderer.DrawDigit(canvas, int.Parse(o.Label!, System.Globalization.CultureInfo.InvariantCulture),
                    Rect(o.Box), padding, Rgb(o.Color));
            }
            else
            {
                SceneRenderer.DrawSmallShape(canvas, o.Kind, Rect(o.Box), Rgb(o.Color), outline);
            }
        }
        canvas.Flush();
        return bitmap;
    }

    private static SKRect Rect(int[] box) => new(box[0], box[1], box[2], box[3]);
}
