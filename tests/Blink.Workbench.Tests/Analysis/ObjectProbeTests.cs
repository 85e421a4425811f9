using Blink.Workbench.Analysis;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Tests.Data;
using Blink.Workbench.Training;

namespace Blink.Workbench.Tests.Analysis;

[Collection("Torch")]
public class ObjectProbeTests
{
    [Theory]
    [InlineData("shape")]
    [InlineData("color")]
    [InlineData("digit")]
    public void The_asked_object_is_the_one_the_scene_says_answers_the_question(string category)
    {
        var generator = new TestbedGenerator(new TestbedOptions { Categories = [category] });
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 40))
        {
            using var _ = sample;
            var (_, relevant) = TestbedOracle.Solve(sample.Question, sample.Scene);
            Assert.Equal(Assert.Single(relevant), ObjectProbe.AskedObject(sample));
        }
    }

    [Fact]
    public void Attention_accuracy_and_chance_match_independent_computations()
    {
        using var bundle = PilotFixtures.RandomTinyBundle(uniformAttention: true);
        var options = new ObjectProbeOptions { Category = "digit", Questions = 30 };
        var r = ObjectProbe.Run(bundle, options);
        Assert.Equal(6, r.Layers.Count);
        Assert.Equal(1.0 / 64, r.UniformAttention, 12);

        var source = new TestbedExampleSource(new TestbedGenerator(new TestbedOptions { Categories = ["digit"] }), bundle.Preprocessor, bundle.Prompts);
        var examples = Enumerable.Range(0, 30).Select(i => source.Create(TestbedSplit.Val, i, TestbedView.Base)).ToArray();
        // q = 0: the last token attends uniformly, 1 / length on every token, the asked object's included.
        Assert.All(r.Layers, l => Assert.Equal(examples.Average(e => 1.0 / e.PromptIds.Length), l.AttentionOnObject, 5));
        Assert.All(r.Layers, l => Assert.InRange(l.KnowsAnswer, 0, 1));
        var predicted = ClosedSetPredictor.Predict(bundle.Model, examples, bundle.Tokenizer.PadId, bundle.Tokenizer.EosId);
        Assert.Equal(ClosedSetPredictor.Accuracy(examples, predicted).Overall, r.ModelAccuracy, 9);
        var held = examples.TakeLast(RidgeProbe.HeldOutRows(30)).Select(e => e.Question.Answer).ToArray();
        Assert.Equal((double)held.GroupBy(a => a).Max(g => g.Count()) / held.Length, r.AnswerChance, 12);
        // Digits are 0.55–0.75 tokens high on plates 0.6 h + padding wide: a few input pixels at 14 px per token.
        Assert.InRange(r.ObjectPixels, 4, 12);
        Assert.Contains("digit questions, whole-image view", r.ToMarkdown());
    }

    [Fact]
    public void The_crop_view_shows_the_object_larger()
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var whole = ObjectProbe.Run(bundle, new ObjectProbeOptions { Questions = 20 });
        var crop = ObjectProbe.Run(bundle, new ObjectProbeOptions { Questions = 20, View = TestbedView.EvidenceCrop });
        Assert.True(crop.ObjectPixels > 2.5 * whole.ObjectPixels, $"crop {crop.ObjectPixels:F1} px, whole {whole.ObjectPixels:F1} px");
    }

    [Theory]
    [InlineData("count", 100, TestbedView.Base, "Category = count")]
    [InlineData("shape", 10, TestbedView.Base, "Questions = 10")]
    [InlineData("shape", 100, TestbedView.RandomZoom, "not a random zoom")]
    public void Impossible_options_are_rejected(string category, int questions, TestbedView view, string message)
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var e = Assert.Throws<ArgumentException>(() => ObjectProbe.Run(bundle, new ObjectProbeOptions { Category = category, Questions = questions, View = view }));
        Assert.Contains(message, e.Message);
    }
}
