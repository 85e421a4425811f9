using System.Diagnostics;
using System.Text.Json;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Xunit.Abstractions;

namespace Blink.Workbench.Tests.Data;

public class TestbedGeneratorTests(ITestOutputHelper output)
{
    private static readonly TestbedGenerator Default = new();

    [Fact]
    public void Same_seed_gives_byte_identical_pngs_and_questions()
    {
        var other = new TestbedGenerator(new TestbedOptions());
        for (var i = 0; i < 12; i++)
        {
            using var a = Default.Generate(TestbedSplit.Val, i);
            using var b = other.Generate(TestbedSplit.Val, i);
            Assert.Equal(a.EncodePng(), b.EncodePng());
            Assert.Equal(JsonSerializer.Serialize(a.Question), JsonSerializer.Serialize(b.Question));
            Assert.Equal(JsonSerializer.Serialize(a.Scene), JsonSerializer.Serialize(b.Scene));
        }
    }

    [Fact]
    public void Sample_does_not_depend_on_generation_order()
    {
        using var direct = Default.Generate(TestbedSplit.Train, 7);
        var viaSequence = Default.Generate(TestbedSplit.Train, 3, 5).Select(s => { var png = s.EncodePng(); s.Dispose(); return png; }).Last();
        Assert.Equal(direct.EncodePng(), viaSequence);
    }

    [Fact]
    public void Splits_and_seeds_give_different_scenes()
    {
        using var train = Default.Generate(TestbedSplit.Train, 0);
        using var val = Default.Generate(TestbedSplit.Val, 0);
        using var test = Default.Generate(TestbedSplit.Test, 0);
        using var reseeded = new TestbedGenerator(new TestbedOptions { Seed = 1 }).Generate(TestbedSplit.Train, 0);
        var pngs = new[] { train, val, test, reseeded }.Select(s => Convert.ToHexString(s.EncodePng())).ToArray();
        Assert.Equal(4, pngs.Distinct().Count());
        var seeds = new[] { TestbedSplit.Train, TestbedSplit.Val, TestbedSplit.Test }
            .SelectMany(split => Enumerable.Range(0, 500).Select(i => Default.SampleSeed(split, i))).ToArray();
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
    }

    [Theory]
    [InlineData(112)]
    [InlineData(168)]
    public void Every_answer_follows_from_the_scene_description(int inputSize)
    {
        var generator = new TestbedGenerator(new TestbedOptions { InputSize = inputSize, Seed = 99 });
        var size = generator.Options.ImageSize;
        foreach (var sample in generator.Generate(TestbedSplit.Test, 0, 60))
        {
            using (sample)
            {
                var q = sample.Question;
                Assert.Equal(size, sample.Image.Width);
                Assert.Equal(size, sample.Image.Height);
                var (answer, relevant) = TestbedOracle.Solve(q, sample.Scene);
                Assert.True(answer == q.Answer, $"{q.QuestionId} '{q.Question}': recorded {q.Answer}, scene says {answer}");
                Assert.Contains(q.Answer, q.Choices);
                var evidence = q.Evidence;
                foreach (var box in relevant)
                    Assert.True(evidence.Contains(box), $"{q.QuestionId}: evidence {evidence} misses {box}");
                var image = new PixelBox(0, 0, size, size);
                Assert.True(image.Contains(evidence) && !evidence.IsEmpty, $"{q.QuestionId}: evidence {evidence}");
                foreach (var o in sample.Scene.Objects)
                    Assert.True(image.Contains(o.PixelBox) && !o.PixelBox.IsEmpty, $"{q.QuestionId}: {o.Kind} box {o.PixelBox} outside the image");
            }
        }
    }

    [Fact]
    public void Which_color_position_questions_flank_a_reference_and_answer_with_the_named_side()
    {
        var options = new TestbedOptions { Categories = ["position"], PositionForm = "which-color", PositionObjectMinTokens = 0.15, PositionObjectMaxTokens = 0.2 };
        var answers = new HashSet<string>();
        foreach (var sample in new TestbedGenerator(options).Generate(TestbedSplit.Val, 0, 40))
        {
            using var _ = sample;
            var q = sample.Question;
            Assert.Equal(TestbedVocabulary.ColorNames, q.Choices);
            var (answer, relevant) = TestbedOracle.Solve(q, sample.Scene);
            Assert.Equal(answer, q.Answer);
            answers.Add(q.Answer);
            // Three objects in a tight row: each item the pair gap from the reference, all three in the evidence box.
            var boxes = relevant.ToList();
            Assert.Equal(3, boxes.Count);
            Assert.All(boxes, b => Assert.True(q.Evidence.Contains(b), q.QuestionId));
            Assert.All(boxes, b => Assert.InRange(b.Width, Math.Round(0.15 * options.TokenPixels), Math.Round(0.2 * options.TokenPixels)));
            var reference = boxes[2];
            foreach (var item in boxes.Take(2))
            {
                var gap = Math.Max(Math.Max(item.X0 - reference.X1, reference.X0 - item.X1), Math.Max(item.Y0 - reference.Y1, reference.Y0 - item.Y1));
                Assert.Equal(options.PairGapPixels, gap);
            }
        }
        Assert.True(answers.Count >= 5, $"answers drawn from only {answers.Count} colours");
    }

    [Fact]
    public void Small_objects_are_a_fraction_of_a_token_and_never_overlap()
    {
        var o = Default.Options;
        foreach (var sample in Default.Generate(TestbedSplit.Train, 0, 30))
        {
            using (sample)
            {
                var small = sample.Scene.Objects.Where(x => x.IsSmall).ToList();
                // Count questions draw their items (counted, and the same shape outside the frame) in the count range,
                // shape questions the asked object in the shape range.
                bool InRange(SceneObject x, double? min, double? max) =>
                    x.PixelBox.Width >= min * o.TokenPixels - 1 && x.PixelBox.Width <= max * o.TokenPixels + 1;
                foreach (var x in small.Where(x => x.Kind != "digit"))
                    Assert.True(InRange(x, o.SmallObjectMinTokens, o.SmallObjectMaxTokens)
                                || (sample.Question.Category == "count" && InRange(x, o.CountObjectMinTokens, o.CountObjectMaxTokens))
                                || (sample.Question.Category == "shape" && InRange(x, o.ShapeObjectMinTokens, o.ShapeObjectMaxTokens)),
                        $"{sample.Question.QuestionId}: a {x.Kind} {x.PixelBox.Width} px wide");
                for (var i = 0; i < small.Count; i++)
                    for (var j = i + 1; j < small.Count; j++)
                        Assert.False(small[i].PixelBox.Intersects(small[j].PixelBox), $"{sample.Question.QuestionId}: objects {i} and {j} overlap");
            }
        }
    }

    [Fact]
    public void Categories_rotate_and_answers_are_balanced()
    {
        var questions = QuestionsOf(Default);
        Assert.All(TestbedVocabulary.Categories, c => Assert.Equal(20, questions.Count(q => q.Category == c)));
        var existence = questions.Where(q => q.Category == "existence").ToList();
        Assert.Equal(10, existence.Count(q => q.Answer == "yes"));
        // Which-color position questions answer with the colour on the named side, drawn freely from the six.
        var position = questions.Where(q => q.Category == "position").ToList();
        Assert.All(position, q => Assert.Contains(q.Answer, TestbedVocabulary.ColorNames));
        Assert.True(position.Select(q => q.Answer).Distinct().Count() >= 4, string.Join(",", position.Select(q => q.Answer)));
        var yesNo = QuestionsOf(new TestbedGenerator(new TestbedOptions { PositionForm = TestbedVocabulary.PositionYesNo }))
            .Where(q => q.Category == "position").ToList();
        Assert.Equal(10, yesNo.Count(q => q.Answer == "yes"));
        var counts = questions.Where(q => q.Category == "count").GroupBy(q => q.Answer).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["0", "1", "2", "3", "4"], counts.Keys.Order());
        Assert.All(counts.Values, n => Assert.Equal(4, n));

        // Six families round-robin, 20 of each; each sample is disposed once its question is read.
        static List<TestbedQuestion> QuestionsOf(TestbedGenerator generator) =>
            generator.Generate(TestbedSplit.Train, 0, 6 * 20).Select(s => { var q = s.Question; s.Dispose(); return q; }).ToList();
    }

    [Fact]
    public void Existence_negatives_are_adversarial_near_misses()
    {
        foreach (var sample in Default.Generate(TestbedSplit.Val, 0, 6 * 16).Where(s => s.Question.Category == "existence"))
        {
            using (sample)
            {
                var words = sample.Question.Question.Split(' ');
                var (color, shape) = (words[4], words[5]);
                var small = sample.Scene.Objects.Where(o => o.IsSmall).ToList();
                // The named colour in another shape is always there, so colour alone never answers the question.
                var sameColor = small.Where(o => o.Color == color && o.Kind != shape).ToList();
                Assert.True(sameColor.Count > 0, $"{sample.Question.QuestionId} has no same-colour near miss for {color} {shape}");
                if (sample.Question.Answer == "no")
                    Assert.True(sameColor.Any(o => sample.Question.Evidence.Contains(o.PixelBox)),
                        $"{sample.Question.QuestionId}: the evidence of a 'no' must cover the near miss a person inspects");
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Quadrant_share_sets_which_region_count_questions_ask_about(double share)
    {
        var generator = new TestbedGenerator(new TestbedOptions { Categories = ["count"], QuadrantCountShare = share });
        var kinds = generator.Generate(TestbedSplit.Val, 0, 40).Select(s => { var k = s.Scene.Region!.Kind; s.Dispose(); return k; }).ToList();
        var quadrants = kinds.Count(k => k == SceneRegion.Quadrant);
        if (share == 0) Assert.Equal(0, quadrants);
        else if (share == 1) Assert.Equal(40, quadrants);
        else Assert.InRange(quadrants, 10, 30);
    }

    [Fact]
    public void Default_count_questions_count_tiny_items_that_the_frame_crop_enlarges()
    {
        var options = new TestbedOptions { Categories = ["count"] };
        var tp = options.TokenPixels;
        foreach (var sample in new TestbedGenerator(options).Generate(TestbedSplit.Val, 0, 25))
        {
            using var _ = sample;
            var frame = PixelBox.FromArray(sample.Scene.Region!.Box);
            Assert.InRange(frame.Width, Math.Floor(1.5 * tp), Math.Ceiling(1.75 * tp));
            var shape = TestbedVocabulary.Shapes.Single(s => sample.Question.Text.Contains($" {TestbedVocabulary.Plural(s)} "));
            var inside = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small && frame.Intersects(o.PixelBox)).ToList();
            // Only the counted items are in the frame, each 2–3 input pixels (0.15–0.2 tokens) at the base resolution.
            Assert.Equal(int.Parse(sample.Question.Answer), inside.Count);
            Assert.All(inside, o => Assert.Equal(shape, o.Kind));
            Assert.All(inside, o => Assert.InRange(o.Box[2] - o.Box[0], (int)Math.Round(0.15 * tp), (int)Math.Round(0.2 * tp)));
            // The zoom oracle's square crop fills the model input, so its zoom is the image side over the crop's side.
            using var crop = ImageCrop.EvidenceView(sample.Image, sample.Question.Evidence, tp, out var used);
            var zoom = options.ImageSize / used.Width;
            Assert.InRange(zoom, 2.85, 3.25);
        }
    }

    [Fact]
    public void Count_object_size_applies_to_the_objects_in_the_frame_and_not_to_other_questions()
    {
        var options = new TestbedOptions { Categories = ["count", "shape"], CountObjectMinTokens = 0.35, CountObjectMaxTokens = 0.38 };
        var generator = new TestbedGenerator(options);
        var (lo, hi) = ((int)Math.Round(0.35 * options.TokenPixels), (int)Math.Round(0.38 * options.TokenPixels));
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 20))
        {
            using var _ = sample;
            var small = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small).ToList();
            if (sample.Question.Category == "count")
            {
                var frame = PixelBox.FromArray(sample.Scene.Region!.Box);
                var inside = small.Where(o => frame.Contains(o.PixelBox)).ToList();
                // Every object in the frame (the counted shapes, and no others by default) is drawn in the count range.
                Assert.Equal(int.Parse(sample.Question.Answer), inside.Count);
                Assert.All(inside, o => Assert.InRange(o.Box[2] - o.Box[0], lo, hi));
            }
            else
            {
                // Shape questions keep their own sizes: the asked object 0.60–0.85 tokens, the other small ones 0.40–0.60.
                var asked = Assert.Single(TestbedOracle.Solve(sample.Question, sample.Scene).Relevant);
                Assert.InRange(asked.Width, (int)Math.Round(0.60 * options.TokenPixels), (int)Math.Round(0.85 * options.TokenPixels));
                Assert.All(small.Where(o => o.PixelBox != asked),
                    o => Assert.InRange(o.Box[2] - o.Box[0], (int)Math.Round(0.40 * options.TokenPixels), (int)Math.Round(0.60 * options.TokenPixels)));
            }
        }
    }

    [Fact]
    public void Shape_object_size_applies_to_the_asked_object_and_leaves_other_questions_unchanged()
    {
        // The default range is 0.60–0.85 tokens; null falls back to the small-object range (0.40–0.60 tokens).
        var options = new TestbedOptions { Categories = ["shape", "color"], ShapeObjectMinTokens = 0.8, ShapeObjectMaxTokens = 0.9 };
        var plain = new TestbedOptions { Categories = ["shape", "color"], ShapeObjectMinTokens = null, ShapeObjectMaxTokens = null };
        var (lo, hi) = ((int)Math.Round(0.8 * options.TokenPixels), (int)Math.Round(0.9 * options.TokenPixels));
        var (smallLo, smallHi) = ((int)Math.Round(0.40 * options.TokenPixels), (int)Math.Round(0.60 * options.TokenPixels));
        var changed = new TestbedGenerator(options).Generate(TestbedSplit.Val, 0, 20).ToList();
        var unchanged = new TestbedGenerator(plain).Generate(TestbedSplit.Val, 0, 20).ToList();
        try
        {
            foreach (var (sample, reference) in changed.Zip(unchanged))
            {
                var q = sample.Question;
                var (answer, relevant) = TestbedOracle.Solve(q, sample.Scene);
                Assert.Equal(q.Answer, answer);
                var small = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small).ToList();
                if (q.Category == "shape")
                {
                    // The asked object (the evidence) is drawn in the shape range, every other small object in the usual one.
                    var asked = Assert.Single(relevant);
                    Assert.InRange(asked.Width, lo, hi);
                    Assert.All(small.Where(o => o.PixelBox != asked), o => Assert.InRange(o.Box[2] - o.Box[0], smallLo, smallHi));
                    var askedBefore = Assert.Single(TestbedOracle.Solve(reference.Question, reference.Scene).Relevant);
                    Assert.InRange(askedBefore.Width, smallLo, smallHi);
                }
                else
                {
                    Assert.Equal(reference.EncodePng(), sample.EncodePng());
                    Assert.Equal(JsonSerializer.Serialize(reference.Scene), JsonSerializer.Serialize(sample.Scene));
                }
            }
        }
        finally
        {
            foreach (var s in changed.Concat(unchanged)) s.Dispose();
        }
    }

    [Fact]
    public void A_fixed_number_of_frame_objects_makes_the_blob_count_independent_of_the_answer()
    {
        var options = new TestbedOptions { Categories = ["count"], CountFrameObjects = 5 };
        var generator = new TestbedGenerator(options);
        var answers = new List<int>();
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 25))
        {
            using var _ = sample;
            var frame = PixelBox.FromArray(sample.Scene.Region!.Box);
            var inside = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small && frame.Intersects(o.PixelBox)).ToList();
            var shape = TestbedVocabulary.Shapes.Single(s => sample.Question.Text.Contains($" {TestbedVocabulary.Plural(s)} "));
            var n = int.Parse(sample.Question.Answer);
            answers.Add(n);
            // Whatever the answer, the frame holds five small objects, all wholly inside it; n of them have the shape.
            Assert.Equal(5, inside.Count);
            Assert.All(inside, o => Assert.True(frame.Contains(o.PixelBox), sample.Question.QuestionId));
            Assert.Equal(n, inside.Count(o => o.Kind == shape));
        }
        Assert.Equal([0, 1, 2, 3, 4], answers.Distinct().Order());
    }

    [Fact]
    public void Other_shapes_in_the_count_frame_follow_their_range()
    {
        var options = new TestbedOptions { Categories = ["count"], CountOthersMin = 2, CountOthersMax = 4 };
        var seen = new HashSet<int>();
        foreach (var sample in new TestbedGenerator(options).Generate(TestbedSplit.Val, 0, 40))
        {
            using var _ = sample;
            var frame = PixelBox.FromArray(sample.Scene.Region!.Box);
            var shape = TestbedVocabulary.Shapes.Single(s => sample.Question.Text.Contains($" {TestbedVocabulary.Plural(s)} "));
            var inside = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small && frame.Intersects(o.PixelBox)).ToList();
            Assert.Equal(int.Parse(sample.Question.Answer), inside.Count(o => o.Kind == shape));
            var others = inside.Count(o => o.Kind != shape);
            // A shape that does not fit is left out, so a frame may hold fewer, never more, and never fewer than one.
            Assert.InRange(others, 1, 4);
            seen.Add(others);
        }
        Assert.Contains(4, seen);
        Assert.Contains(2, seen);
    }

    [Fact]
    public void Count_pairs_put_two_counted_objects_in_one_base_token_and_keep_the_count()
    {
        var options = new TestbedOptions { Categories = ["count"], CountPairs = true };
        var generator = new TestbedGenerator(options);
        var tp = options.TokenPixels;
        var totalPairs = 0;
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 25))
        {
            using var _ = sample;
            var frame = PixelBox.FromArray(sample.Scene.Region!.Box);
            var shape = TestbedVocabulary.Shapes.Single(s => sample.Question.Text.Contains($" {TestbedVocabulary.Plural(s)} "));
            var counted = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small && o.Kind == shape && frame.Contains(o.PixelBox)).Select(o => o.PixelBox).ToList();
            var n = int.Parse(sample.Question.Answer);
            Assert.Equal(n, counted.Count);
            // At least n / 2 pairs of counted objects share a base token and sit exactly the pair gap apart; no two
            // objects are closer than that (none overlap).
            var pairs = 0;
            for (var i = 0; i < counted.Count; i++)
                for (var j = i + 1; j < counted.Count; j++)
                {
                    var (a, b) = (counted[i], counted[j]);
                    var gap = Math.Max(Math.Max(b.X0 - a.X1, a.X0 - b.X1), Math.Max(b.Y0 - a.Y1, a.Y0 - b.Y1));
                    Assert.True(gap >= options.PairGapPixels, $"{sample.Question.QuestionId}: objects {gap} px apart");
                    if (Cell(a) == Cell(b) && gap == options.PairGapPixels) pairs++;
                }
            Assert.True(pairs >= n / 2, $"{sample.Question.QuestionId}: {pairs} pairs for a count of {n}");
            totalPairs += pairs;
        }
        Assert.True(totalPairs >= 10, $"only {totalPairs} pairs in 25 count scenes");

        (int, int) Cell(PixelBox b) => ((int)Math.Floor(b.CenterX / tp), (int)Math.Floor(b.CenterY / tp));
    }

    [Theory]
    [InlineData("InputSize", "100")]
    [InlineData("PatchSize", "0")]
    [InlineData("CountMax", "9")]
    [InlineData("CountMin", "-1")]
    [InlineData("FillerObjectsMax", "400")]
    [InlineData("SmallObjectMaxTokens", "2")]
    [InlineData("FrameMaxTokens", "6")]
    [InlineData("Categories", "colour")]
    [InlineData("RenderScale", "0")]
    [InlineData("QuadrantCountShare", "1.5")]
    [InlineData("CountObjectMinTokens", "0.1")]
    [InlineData("CountObjectMaxTokens", "0.3")]
    [InlineData("CountFrameObjects", "4")]
    [InlineData("CountOthersMin", "-1")]
    [InlineData("CountOthersMax", "1")]
    [InlineData("CountPairGapPixels", "0")]
    [InlineData("CountPairGapPixels", "8")]
    [InlineData("CountFrameObjects", "12")]
    [InlineData("PositionForm", "which-colour")]
    [InlineData("PositionForm", "null")]
    [InlineData("ShapeObjectMaxTokens", "0.3")]
    [InlineData("ShapeObjectMinTokens", "0.1")]
    public void Impossible_options_throw_naming_option_and_value(string option, string value)
    {
        var o = new TestbedOptions();
        o = option switch
        {
            "InputSize" => o with { InputSize = 100 },
            "PatchSize" => o with { PatchSize = 0 },
            "CountMax" => o with { CountMax = 9, CountObjectMinTokens = 0.4, CountObjectMaxTokens = 0.6 },
            "CountMin" => o with { CountMin = -1 },
            "FillerObjectsMax" => o with { FillerObjectsMax = 400 },
            "SmallObjectMaxTokens" => o with { SmallObjectMaxTokens = 2 },
            "FrameMaxTokens" => o with { FrameMaxTokens = 6 },
            "Categories" => o with { Categories = ["color", "colour"] },
            "RenderScale" => o with { RenderScale = 0 },
            "QuadrantCountShare" => o with { QuadrantCountShare = 1.5 },
            "CountObjectMinTokens" => o with { CountObjectMinTokens = 0.1 },
            "CountObjectMaxTokens" => o with { CountObjectMinTokens = 0.4, CountObjectMaxTokens = 0.3 },
            "CountFrameObjects" => o with { CountFrameObjects = int.Parse(value) },
            "CountOthersMin" => o with { CountOthersMin = -1 },
            "CountOthersMax" => o with { CountOthersMin = 2, CountOthersMax = 1 },
            "CountPairGapPixels" => o with { CountPairs = true, CountPairGapPixels = int.Parse(value) },
            "PositionForm" => o with { PositionForm = value == "null" ? null! : value },
            "ShapeObjectMaxTokens" => o with { ShapeObjectMaxTokens = 0.3 },
            "ShapeObjectMinTokens" => o with { ShapeObjectMinTokens = 0.1 },
            _ => throw new InvalidOperationException(option),
        };
        var e = Assert.Throws<ArgumentException>(() => new TestbedGenerator(o));
        Assert.Contains($"TestbedOptions.{option} = {value}", e.Message);
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void Generation_speed_is_measured()
    {
        // Warm up (JIT, Skia) then time in-memory generation, and PNG encoding separately.
        Default.Generate(TestbedSplit.Train, 0).Dispose();
        const int n = 30;
        var sw = Stopwatch.StartNew();
        var samples = Default.Generate(TestbedSplit.Train, 1000, n).ToList();
        var generate = sw.Elapsed.TotalSeconds;
        sw.Restart();
        foreach (var s in samples) s.EncodePng();
        var encode = sw.Elapsed.TotalSeconds;
        samples.ForEach(s => s.Dispose());
        output.WriteLine($"in-memory: {n / generate:0.0} images/s ({Default.Options.ImageSize}px); PNG encode: {n / encode:0.0} images/s");
        Assert.True(n / generate > 5, $"generation is far too slow: {n / generate:0.0} images/s");
    }
}

public class TestbedGoldenTests(ITestOutputHelper output)
{
    /// <summary>
    /// Questions and scenes are pure integer/IEEE-double computations on the testbed PRNG, so they must be the same
    /// on every machine and .NET version. A change here means every written dataset and every model trained on the
    /// default testbed silently changes: update the hash only on purpose. (Pixels come from Skia, whose CPU-specific
    /// pipelines are not promised to be bit-identical across processors, so the image bytes are not pinned here.)
    /// </summary>
    [Fact]
    public void Default_questions_and_scenes_are_pinned()
    {
        var generator = new TestbedGenerator();
        var text = new System.Text.StringBuilder();
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 12))
        {
            using (sample)
            {
                text.Append(System.Text.Json.JsonSerializer.Serialize(sample.Question)).Append('\n');
                text.Append(System.Text.Json.JsonSerializer.Serialize(sample.Scene)).Append('\n');
            }
        }
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
        output.WriteLine(hash);
        Assert.Equal("9816F5DC5010F98EA058D01E86FFF49106D272B4D9C6DAAD41FB15823A0DD3C6", hash);
    }
}

public class TestbedParallelTests
{
    [Fact]
    public void Parallel_generation_matches_sequential()
    {
        // A data loader will generate on several threads; the generator must hold no shared mutable state.
        var generator = new TestbedGenerator();
        var sequential = Enumerable.Range(0, 12).Select(i => { using var s = generator.Generate(TestbedSplit.Train, i); return s.EncodePng(); }).ToArray();
        var parallel = new byte[12][];
        Parallel.For(0, 12, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var s = generator.Generate(TestbedSplit.Train, i);
            parallel[i] = s.EncodePng();
        });
        for (var i = 0; i < 12; i++)
            Assert.Equal(sequential[i], parallel[i]);
    }
}
