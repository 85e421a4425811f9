using Blink.Workbench.Analysis;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Training;

namespace Blink.Workbench.Tests.Analysis;

public class RidgeProbeTests
{
    [Fact]
    public void A_linear_property_is_found_and_a_random_or_nonlinear_one_is_not()
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, 1000).Select(_ => Enumerable.Range(0, 12).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var linear = x.Select(v => 0.7 * v[0] - 0.4 * v[3] + 0.2 * v[7] + 0.05 > 0).ToArray();
        var random = x.Select(_ => rng.Next(2) == 0).ToArray();
        var xor = x.Select(v => v[0] > 0 ^ v[1] > 0).ToArray();
        var found = RidgeProbe.HeldOutAccuracy(x, linear);
        // Least squares on ±1 targets is not a max-margin classifier: near the boundary it errs (0.95 here).
        Assert.True(found > 0.9, $"linear property: {found}");
        Assert.InRange(RidgeProbe.HeldOutAccuracy(x, random), 0.40, 0.60);
        Assert.InRange(RidgeProbe.HeldOutAccuracy(x, xor), 0.40, 0.60);
    }

    [Fact]
    public void A_linear_many_valued_property_is_found_and_a_random_one_is_at_chance()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 1500).Select(_ => Enumerable.Range(0, 10).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        // Three classes by the largest of three linear scores: each class is a convex cone, so one-vs-rest readouts separate them.
        var linear = x.Select(v => new[] { v[0] + 0.2 * v[5], v[1] - 0.3 * v[4], v[2] }.Select((s, k) => (s, k)).Max().k).ToArray();
        var random = x.Select(_ => rng.Next(3)).ToArray();
        var found = RidgeProbe.HeldOutAccuracy(x, linear, 3);
        Assert.True(found > 0.8, $"linear property: {found}");
        Assert.InRange(RidgeProbe.HeldOutAccuracy(x, random, 3), 0.26, 0.41);
        // Two classes are the yes/no probe: the readouts of ±1 and ∓1 targets are each other's negation.
        var two = x.Select(v => v[0] - v[1] > 0.1).ToArray();
        Assert.Equal(RidgeProbe.HeldOutAccuracy(x, two), RidgeProbe.HeldOutAccuracy(x, two.Select(b => b ? 1 : 0).ToArray(), 2), 12);
        Assert.Contains("Label 1 is 3, outside 0…2", Assert.Throws<ArgumentException>(() => RidgeProbe.HeldOutAccuracy(x.Take(4).ToArray(), [0, 3, 1, 2], 3)).Message);
        Assert.Contains("all have the label 2", Assert.Throws<ArgumentException>(() => RidgeProbe.HeldOutAccuracy(x.Take(4).ToArray(), [2, 2, 2, 1], 3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RidgeProbe.HeldOutAccuracy(x.Take(4).ToArray(), [0, 0, 0, 0], 1));
    }

    [Fact]
    public void Bad_input_is_named()
    {
        float[][] x = [[1f, 2f], [2f, 1f], [0f, 1f], [1f, 0f]];
        Assert.Contains("4 feature vectors but 3 labels", Assert.Throws<ArgumentException>(() => RidgeProbe.HeldOutAccuracy(x, [true, false, true])).Message);
        Assert.Contains("Feature vector 2 has 1 values", Assert.Throws<ArgumentException>(() => RidgeProbe.HeldOutAccuracy([[1f, 2f], [2f, 1f], [0f], [1f, 0f]], [true, false, true, false])).Message);
        Assert.Contains("all have the label True", Assert.Throws<ArgumentException>(() => RidgeProbe.HeldOutAccuracy(x, [true, true, true, false])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RidgeProbe.HeldOutAccuracy(x, [true, false, true, false], trainShare: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RidgeProbe.HeldOutAccuracy(x, [true, false, true, false], ridge: 0));
    }
}

[Collection("Torch")]
public class PositionProbeTests
{
    [Fact]
    public void Position_questions_read_back_to_objects_whose_places_match_the_answer()
    {
        var generator = new TestbedGenerator(new TestbedOptions { Categories = ["position"], PositionForm = TestbedVocabulary.PositionYesNo });
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 40))
        {
            using var _ = sample;
            var p = TestbedVocabulary.ParsePositionQuestion(sample.Question.Question);
            Assert.NotNull(p);
            var a = sample.Scene.Objects.Single(o => o.Size == "small" && o.Color == p.ColorA && o.Kind == p.ShapeA).PixelBox;
            var b = sample.Scene.Objects.Single(o => o.Size == "small" && o.Color == p.ColorB && o.Kind == p.ShapeB).PixelBox;
            var holds = p.Relation switch
            {
                "left" => a.X1 <= b.X0, "right" => a.X0 >= b.X1, "above" => a.Y1 <= b.Y0, "below" => a.Y0 >= b.Y1,
                _ => throw new InvalidOperationException(p.Relation),
            };
            Assert.Equal(sample.Question.Answer == "yes", holds);
        }
        Assert.Null(TestbedVocabulary.ParsePositionQuestion("What color is the small star?"));
    }

    [Fact]
    public void Attention_and_accuracy_match_independent_computations()
    {
        using var bundle = PilotFixtures.RandomTinyBundle(uniformAttention: true);
        var options = new PositionProbeOptions { Questions = 24, Testbed = new TestbedOptions { PositionForm = TestbedVocabulary.PositionYesNo } };
        var r = PositionProbe.Run(bundle, options);
        Assert.Equal(6, r.Layers.Count);
        Assert.Equal(1.0 / 64, r.UniformAttention, 12);

        // With q = 0 the last token attends uniformly to the whole sequence (the prompt ids already hold one placeholder
        // per visual token): 1 / length on every token.
        var source = new TestbedExampleSource(new TestbedGenerator(options.Testbed with { Categories = ["position"] }), bundle.Preprocessor, bundle.Prompts);
        var examples = Enumerable.Range(0, 24).Select(i => source.Create(TestbedSplit.Val, i, TestbedView.Base)).ToArray();
        var expected = examples.Average(e => 1.0 / e.PromptIds.Length);
        Assert.All(r.Layers, l =>
        {
            Assert.True(Math.Abs(expected - l.AttentionOnFirst) < 1e-5, $"layer {l.Layer}: {l.AttentionOnFirst} vs {expected}");
            Assert.Equal(expected, l.AttentionOnSecond, 5);
            Assert.InRange(l.KnowsRelation, 0, 1);
            Assert.InRange(l.KnowsAnswer, 0, 1);
        });
        var rows = r.ToMarkdown().Split('\n').Where(line => line.Length > 2 && line.StartsWith("| ", StringComparison.Ordinal) && char.IsDigit(line[2])).ToArray();
        Assert.Equal(r.Layers.Select(l => $"| {l.Layer} |"), rows.Select(line => line[..(line.IndexOf('|', 1) + 1)]));
        var predicted = ClosedSetPredictor.Predict(bundle.Model, examples, bundle.Tokenizer.PadId, bundle.Tokenizer.EosId);
        Assert.Equal(ClosedSetPredictor.Accuracy(examples, predicted).Overall, r.ModelAccuracy, 9);
    }

    [Fact]
    public void A_box_maps_to_the_token_under_its_centre_clamped_to_the_grid()
    {
        Assert.Equal(0, PositionProbe.Token(new PixelBox(0, 0, 10, 10), 8, 14));
        Assert.Equal(1 * 8 + 2, PositionProbe.Token(new PixelBox(28, 14, 41, 27), 8, 14));
        Assert.Equal(63, PositionProbe.Token(new PixelBox(110, 110, 130, 130), 8, 14));
    }

    [Theory]
    [InlineData(10, TestbedView.Base, "Questions = 10")]
    [InlineData(100, TestbedView.RandomZoom, "not a random zoom")]
    public void Impossible_options_are_rejected(int questions, TestbedView view, string message)
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var e = Assert.Throws<ArgumentException>(() => PositionProbe.Run(bundle, new PositionProbeOptions { Questions = questions, View = view }));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Which_color_roles_are_the_answer_item_on_the_named_side_and_the_other_item_opposite()
    {
        var generator = new TestbedGenerator(new TestbedOptions { Categories = ["position"], PositionForm = TestbedVocabulary.PositionWhichColor });
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 40))
        {
            using var _ = sample;
            var p = TestbedVocabulary.ParsePositionColorQuestion(sample.Question.Question);
            Assert.NotNull(p);
            var roles = PositionProbe.WhichColorRoles(sample);
            var answerItem = sample.Scene.Objects.Single(o => o.PixelBox == roles.First);
            Assert.Equal((p.Shape, sample.Question.Answer), (answerItem.Kind, answerItem.Color));
            Assert.Equal(sample.Question.Answer, TestbedVocabulary.ColorNames[roles.Answer]);
            var reference = sample.Scene.Objects.Single(o => o.Size == "small" && o.Kind == p.ReferenceShape).PixelBox;
            bool Side(PixelBox a, string relation) => relation switch
            {
                "left" => a.X1 <= reference.X0, "right" => a.X0 >= reference.X1, "above" => a.Y1 <= reference.Y0, "below" => a.Y0 >= reference.Y1,
                _ => throw new InvalidOperationException(relation),
            };
            var opposite = p.Relation switch { "left" => "right", "right" => "left", "above" => "below", _ => "above" };
            Assert.True(Side(roles.First, p.Relation), $"{sample.Question.QuestionId}: answer item not {p.Relation} of the {p.ReferenceShape}");
            Assert.True(Side(roles.Second, opposite), $"{sample.Question.QuestionId}: other item not {opposite} of the {p.ReferenceShape}");
            Assert.Equal(p.Relation is "left" or "right", roles.Horizontal);
        }
        Assert.Null(TestbedVocabulary.ParsePositionColorQuestion("Is the small red star to the left of the small blue circle?"));
    }

    [Fact]
    public void The_which_color_form_is_probed_with_its_own_roles_and_chance()
    {
        using var bundle = PilotFixtures.RandomTinyBundle(uniformAttention: true);
        var options = new PositionProbeOptions { Questions = 30, Testbed = new TestbedOptions { PositionForm = TestbedVocabulary.PositionWhichColor } };
        var r = PositionProbe.Run(bundle, options);
        Assert.Equal(TestbedVocabulary.PositionWhichColor, r.Form);
        var source = new TestbedExampleSource(new TestbedGenerator(options.Testbed with { Categories = ["position"] }), bundle.Preprocessor, bundle.Prompts);
        var examples = Enumerable.Range(0, 30).Select(i => source.Create(TestbedSplit.Val, i, TestbedView.Base)).ToArray();
        Assert.All(r.Layers, l => Assert.Equal(examples.Average(e => 1.0 / e.PromptIds.Length), l.AttentionOnFirst, 5));
        var held = examples.TakeLast(RidgeProbe.HeldOutRows(30)).Select(e => e.Question.Answer).ToArray();
        Assert.Equal((double)held.GroupBy(a => a).Max(g => g.Count()) / held.Length, r.AnswerChance, 12);
        Assert.Contains("attention on answer item", r.ToMarkdown());
        Assert.Contains("hidden → answer colour", r.ToMarkdown());
    }
}
