using System.Text.Json.Serialization;
namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// Knobs of the synthetic fine-grained visual-QA testbed. Sizes of scene elements are given in <em>tokens</em>
/// (one token = one patch of the model input), so a scene keeps its difficulty when the input size changes: small
/// objects are a fraction of a token at the base resolution — blurred by the base token grid, resolved by a zoom.
/// </summary>
public sealed record TestbedOptions
{
    /// <summary>Master seed; splits and samples derive their own seeds from it.</summary>
    public int Seed { get; init; } = 20251211;

    /// <summary>Side of the square model input in pixels (e.g. 112 → 8×8 tokens, 168 → 12×12 with 14-px patches).</summary>
    public int InputSize { get; init; } = 112;

    public int PatchSize { get; init; } = 14;

    /// <summary>Images are drawn at <c>InputSize × RenderScale</c> pixels (the high-resolution original a zoom crops from).</summary>
    public int RenderScale { get; init; } = 4;

    /// <summary>Question families to generate, used round-robin by sample index (so each is equally frequent).</summary>
    public IReadOnlyList<string> Categories { get; init; } = TestbedVocabulary.Categories;

    /// <summary>
    /// Side of small objects, in tokens (drawn uniformly in [min, max]). The default 0.40–0.60 gives 6–8 input
    /// pixels at the base resolution (colour plain, shape barely: a blurred blob inside one patch) and 22–34
    /// pixels after a 4× zoom. At 0.22–0.36 (3–5 px) no shape was learnable from the whole image at all, so every
    /// question that names a shape was at chance for vanilla — no headroom left to measure against.
    /// </summary>
    public double SmallObjectMinTokens { get; init; } = 0.40;
    public double SmallObjectMaxTokens { get; init; } = 0.60;

    /// <summary>Height of seven-segment digits, in tokens (width is 0.6 of the height).</summary>
    public double DigitMinTokens { get; init; } = 0.55;
    public double DigitMaxTokens { get; init; } = 0.75;

    /// <summary>Unrelated small objects added to every scene (clutter), in [min, max].</summary>
    public int FillerObjectsMin { get; init; } = 3;
    public int FillerObjectsMax { get; init; } = 6;

    /// <summary>Large translucent background shapes (never asked about: questions say "small").</summary>
    public int LargeDistractorsMax { get; init; } = 3;

    /// <summary>Tiny noise speckles and thin clutter lines over the gradient background.</summary>
    public int NoiseSpeckles { get; init; } = 250;
    public int ClutterLines { get; init; } = 6;

    /// <summary>Answer range of count questions.</summary>
    public int CountMin { get; init; } = 0;
    public int CountMax { get; init; } = 4;

    /// <summary>
    /// Share of count questions asked about an image quadrant instead of a drawn white frame. A quadrant changes
    /// meaning under a crop, so those questions are never zoomed and the zoom oracle cannot beat vanilla on them;
    /// at the former default of 0.5 they capped the count category's headroom (33% vs 35% on 52 quadrant questions).
    /// </summary>
    public double QuadrantCountShare { get; init; } = 0.0;

    /// <summary>
    /// Side of the objects of count questions — the counted shape and the other shapes inside and outside the frame —
    /// in tokens; null uses <see cref="SmallObjectMinTokens"/>/<see cref="SmallObjectMaxTokens"/>. The default,
    /// 0.15–0.2 tokens (2–3 input pixels at the base resolution, 6–9 after the frame's zoom of about 3×), makes
    /// counting a question of tiny items: the whole image shows specks that merge and vary in size, the crop shows
    /// separate blobs (docs/testbed.md, "Count").
    /// </summary>
    public double? CountObjectMinTokens { get; init; } = 0.15;
    public double? CountObjectMaxTokens { get; init; } = 0.2;

    internal double CountMinTokens => CountObjectMinTokens ?? SmallObjectMinTokens;
    internal double CountMaxTokens => CountObjectMaxTokens ?? SmallObjectMaxTokens;

    /// <summary>
    /// Objects of other shapes inside the frame of a count question, drawn uniformly in this range (unless
    /// <see cref="CountFrameObjects"/> fixes the total). None by default: with tiny count objects the number of specks
    /// is itself the fine detail. With objects large enough to be counted as blobs in the whole image, other shapes
    /// make the shapes decide the count (with 1–2 others the count headroom was about 10 points).
    /// </summary>
    public int CountOthersMin { get; init; }
    public int CountOthersMax { get; init; }

    /// <summary>
    /// Small objects inside the frame of a count question, counted shape and other shapes together; null draws the
    /// counted objects plus <see cref="CountOthersMin"/>–<see cref="CountOthersMax"/> of other shapes. With a fixed total the number of blobs in the frame, which the base
    /// resolution shows plainly, says nothing about the answer: only the shapes, which need the zoom, do. Must exceed
    /// <see cref="CountMax"/>, so that every frame holds at least one other shape.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CountFrameObjects { get; init; }

    /// <summary>
    /// Draw the counted objects of a frame-count question in tight pairs (as many as the count allows; an odd count
    /// leaves one single): the two objects of a pair sit <see cref="CountPairGapPixels"/> apart with both centres in the
    /// same visual token of the whole image, so the base token grid sees one blob where the frame's zoom (about 2.5×)
    /// puts them in different tokens. False (the default) places every object on its own.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CountPairs { get; init; }

    /// <summary>Gap between the two objects of a count pair, in rendered pixels (<see cref="CountPairs"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CountPairGapPixels { get; init; }

    internal int PairGapPixels => CountPairGapPixels ?? Math.Max(2, (int)Math.Round(0.05 * TokenPixels));

    /// <summary>
    /// Form of relative-position questions. "which-color" (the default, docs/testbed.md): "What color is
    /// the small star to the left of the small circle?" — a reference shape flanked on opposite sides by two items of
    /// the asked shape in different colours, a few pixels apart, answered with the colour on the named side (six
    /// choices). The evidence box holds all three; the training's grounding target is the answer item. "yes-no": "Is
    /// the small red star to the left of the small blue circle?" — the tiny model never learned it, not even from the
    /// crop (docs/findings.md); kept for the probe and for models that can.
    /// </summary>
    public string PositionForm { get; init; } = TestbedVocabulary.PositionWhichColor;

    /// <summary>Side of the three objects of a "which-color" position question, in tokens; null uses the small-object range.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PositionObjectMinTokens { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PositionObjectMaxTokens { get; init; }

    /// <summary>
    /// Side of the object a shape question asks about, in tokens (8–12 input pixels by default: still inside about one
    /// token of the base grid, 3–4× larger after the oracle's zoom); null uses the small-object range
    /// (0.40–0.60 tokens). At 0.40–0.60 tokens the tiny model's vanilla shape accuracy was indistinguishable from chance with one
    /// seed of three; at 0.60–0.85 it is clearly above it with all three, and the crop still adds over 60 points
    /// (docs/findings.md). No other object of the scene changes size.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ShapeObjectMinTokens { get; init; } = 0.60;
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ShapeObjectMaxTokens { get; init; } = 0.85;

    internal bool PositionAsksColor => PositionForm == TestbedVocabulary.PositionWhichColor;

    /// <summary>
    /// Side of the white frame of count questions, in tokens. The zoom oracle's crop (the frame with half a token of
    /// context on each side: a quarter in the evidence box, a quarter added by the crop) fills the input, so a smaller
    /// frame is a stronger zoom: 1.5–1.75 tokens give 2.9–3.2× (2.5–3 tokens gave 2–2.3×).
    /// </summary>
    public double FrameMinTokens { get; init; } = 1.5;
    public double FrameMaxTokens { get; init; } = 1.75;

    /// <summary>Pixels per token in the rendered (original) image.</summary>
    public int TokenPixels => PatchSize * RenderScale;

    /// <summary>Side of the rendered (original) image in pixels.</summary>
    public int ImageSize => InputSize * RenderScale;

    public int GridSize => InputSize / PatchSize;

    /// <summary>Free space kept around every small object, in rendered pixels (objects never touch).</summary>
    internal int GapPixels => Math.Max(2, (int)Math.Round(0.15 * TokenPixels));

    internal int MaxObjectPixels => (int)Math.Ceiling(new[] { SmallObjectMaxTokens, CountMaxTokens, PositionObjectMaxTokens ?? 0, ShapeObjectMaxTokens ?? 0, DigitMaxTokens * 1.3 }.Max() * TokenPixels);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option (and its value) that cannot work.</summary>
    public void Validate()
    {

        if (PatchSize <= 0) throw Bad(nameof(PatchSize), PatchSize, "must be positive.");
        if (InputSize <= 0) throw Bad(nameof(InputSize), InputSize, "must be positive.");
        if (InputSize % PatchSize != 0)
            throw Bad(nameof(InputSize), InputSize, $"must be a multiple of PatchSize ({PatchSize}) so the token grid is whole.");
        if (InputSize / PatchSize < 4)
            throw Bad(nameof(InputSize), InputSize, $"gives a {InputSize / PatchSize}x{InputSize / PatchSize} token grid; at least 4x4 is needed to lay out a scene.");
        if (RenderScale is < 1 or > 16) throw Bad(nameof(RenderScale), RenderScale, "must be between 1 and 16.");
        if (Categories is null || Categories.Count == 0) throw Bad(nameof(Categories), "[]", "at least one category is needed.");
        foreach (var c in Categories)
            if (!TestbedVocabulary.Categories.Contains(c))
                throw Bad(nameof(Categories), c, $"unknown category; known: {string.Join(", ", TestbedVocabulary.Categories)}.");
        if (Categories.Distinct().Count() != Categories.Count)
            throw Bad(nameof(Categories), string.Join(",", Categories), "lists a category twice.");

        ValidateShapeSizes(nameof(SmallObjectMinTokens), SmallObjectMinTokens, nameof(SmallObjectMaxTokens), SmallObjectMaxTokens);
        if (!(DigitMinTokens > 0)) throw Bad(nameof(DigitMinTokens), DigitMinTokens, "must be positive.");
        if (!(DigitMaxTokens >= DigitMinTokens))
            throw Bad(nameof(DigitMaxTokens), DigitMaxTokens, $"must be at least DigitMinTokens ({DigitMinTokens}).");
        if (DigitMaxTokens > 2) throw Bad(nameof(DigitMaxTokens), DigitMaxTokens, "must be at most 2 tokens.");
        if (DigitMinTokens * TokenPixels < 12)
            throw Bad(nameof(DigitMinTokens), DigitMinTokens, $"gives {DigitMinTokens * TokenPixels:0.#} rendered pixels; seven-segment digits need at least 12 (raise RenderScale).");

        if (FillerObjectsMin < 0) throw Bad(nameof(FillerObjectsMin), FillerObjectsMin, "must not be negative.");
        if (FillerObjectsMax < FillerObjectsMin)
            throw Bad(nameof(FillerObjectsMax), FillerObjectsMax, $"must be at least FillerObjectsMin ({FillerObjectsMin}).");
        if (LargeDistractorsMax is < 0 or > 12) throw Bad(nameof(LargeDistractorsMax), LargeDistractorsMax, "must be between 0 and 12.");
        if (NoiseSpeckles < 0) throw Bad(nameof(NoiseSpeckles), NoiseSpeckles, "must not be negative.");
        if (ClutterLines < 0) throw Bad(nameof(ClutterLines), ClutterLines, "must not be negative.");

        if (CountMin < 0) throw Bad(nameof(CountMin), CountMin, "must not be negative.");
        if (CountMax < CountMin) throw Bad(nameof(CountMax), CountMax, $"must be at least CountMin ({CountMin}).");
        if (CountMax > 9) throw Bad(nameof(CountMax), CountMax, "answers are single digits; at most 9.");
        if (!(QuadrantCountShare >= 0 && QuadrantCountShare <= 1))
            throw Bad(nameof(QuadrantCountShare), QuadrantCountShare, "is a share of count questions; it must be between 0 and 1.");
        if (CountObjectMinTokens is not null || CountObjectMaxTokens is not null)
            ValidateShapeSizes(nameof(CountObjectMinTokens), CountMinTokens, nameof(CountObjectMaxTokens), CountMaxTokens);
        if (!TestbedVocabulary.PositionForms.Contains(PositionForm))
            throw Bad(nameof(PositionForm), PositionForm, $"must be one of {string.Join(", ", TestbedVocabulary.PositionForms)}.");
        if (PositionObjectMinTokens is not null || PositionObjectMaxTokens is not null)
            ValidateShapeSizes(nameof(PositionObjectMinTokens), PositionObjectMinTokens ?? SmallObjectMinTokens,
                nameof(PositionObjectMaxTokens), PositionObjectMaxTokens ?? SmallObjectMaxTokens);
        if (ShapeObjectMinTokens is not null || ShapeObjectMaxTokens is not null)
            ValidateShapeSizes(nameof(ShapeObjectMinTokens), ShapeObjectMinTokens ?? SmallObjectMinTokens,
                nameof(ShapeObjectMaxTokens), ShapeObjectMaxTokens ?? SmallObjectMaxTokens);
        if (!(FrameMinTokens > 0)) throw Bad(nameof(FrameMinTokens), FrameMinTokens, "must be positive.");
        if (!(FrameMaxTokens >= FrameMinTokens))
            throw Bad(nameof(FrameMaxTokens), FrameMaxTokens, $"must be at least FrameMinTokens ({FrameMinTokens}).");
        if (FrameMaxTokens > GridSize / 2.0)
            throw Bad(nameof(FrameMaxTokens), FrameMaxTokens, $"a frame over half the {GridSize}-token image leaves no room outside it.");

        // Rejection sampling packs fewer objects than a grid would; ask for slack beyond the objects themselves.
        var cell = (int)Math.Ceiling(CountMaxTokens * TokenPixels) + GapPixels;
        var frameInner = (int)(FrameMinTokens * TokenPixels) - 2 * FrameInsetPixels;
        var frameCells = frameInner > 0 ? (frameInner / cell) * (frameInner / cell) : 0;
        if (CountPairGapPixels is { } pairGap && (pairGap < 1 || pairGap >= GapPixels))
            throw Bad(nameof(CountPairGapPixels), pairGap, $"must be at least 1 and below the gap kept between other objects ({GapPixels} px).");
        if (CountOthersMin < 0) throw Bad(nameof(CountOthersMin), CountOthersMin, "must not be negative.");
        if (CountOthersMax < CountOthersMin) throw Bad(nameof(CountOthersMax), CountOthersMax, $"must be at least CountOthersMin ({CountOthersMin}).");
        if (CountFrameObjects is { } total && total <= CountMax)
            throw Bad(nameof(CountFrameObjects), total, $"must exceed CountMax ({CountMax}) so that every frame holds at least one other shape.");
        if (Categories.Contains(TestbedVocabulary.Count) && CountFrameObjects is { } inFrame && frameCells < inFrame)
            throw Bad(nameof(CountFrameObjects), inFrame,
                $"{inFrame} objects of up to {CountMaxTokens} tokens do not reliably fit a frame of {FrameMinTokens} tokens ({frameCells} cells); " +
                "lower it or the count objects' size, or raise FrameMinTokens.");
        if (Categories.Contains(TestbedVocabulary.Count) && CountFrameObjects is null && frameCells < CountMax + CountOthersMax)
            throw Bad(nameof(CountMax), CountMax,
                $"{CountMax} objects of up to {CountMaxTokens} tokens (+{CountOthersMax} of other shapes) do not reliably fit a frame of {FrameMinTokens} tokens " +
                $"({frameCells} cells); lower CountMax or the count objects' size, or raise FrameMinTokens.");
        var bigCell = MaxObjectPixels + GapPixels;
        var imageCells = (ImageSize / bigCell) * (ImageSize / bigCell);
        const int mostTaskObjects = 8;
        if (imageCells < 2 * (FillerObjectsMax + mostTaskObjects))
            throw Bad(nameof(FillerObjectsMax), FillerObjectsMax,
                $"{FillerObjectsMax} fillers plus up to {mostTaskObjects} task objects do not fit a {GridSize}x{GridSize}-token image " +
                $"({imageCells} cells of {bigCell} px); lower FillerObjectsMax or the object sizes.");
    }

    /// <summary>A [min, max] side range of small shapes, in tokens: ordered, small, and drawable at the render scale.</summary>
    private void ValidateShapeSizes(string minName, double min, string maxName, double max)
    {
        if (!(min > 0)) throw Bad(minName, min, "must be positive.");
        if (!(max >= min)) throw Bad(maxName, max, $"must be at least {minName} ({min}).");
        if (max > 1.5)
            throw Bad(maxName, max, "objects over 1.5 tokens are not small; the testbed is about details below the token size.");
        if (min * TokenPixels < 8)
            throw Bad(minName, min, $"gives {min * TokenPixels:0.#} rendered pixels; shapes need at least 8 to be drawn recognisably (raise RenderScale).");
    }

    private static ArgumentException Bad(string option, object? value, string why) =>
        new($"TestbedOptions.{option} = {value ?? "null"}: {why}", option);

    /// <summary>Distance from the frame line to where objects inside it may start.</summary>
    internal int FrameInsetPixels => Math.Max(3, (int)Math.Round(0.1 * TokenPixels));
}
