using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Text;
using Blink.Workbench.Training;

namespace Blink.Workbench.Tests.Training;

public class GroundingTargetTests
{
    private static TestbedExampleSource Source(TestbedGenerator generator, bool onObjects)
    {
        var preprocessor = new ImagePreprocessor(new ImagePreprocessOptions { Size = 112, PatchSize = 14 });
        return new TestbedExampleSource(generator, preprocessor, new PromptBuilder(Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer(), PromptTemplate.Testbed, 64), onObjects);
    }

    [Fact]
    public void CountedObjects_AreAsManyAsTheAnswer_AndOnlyForCountQuestions()
    {
        var generator = new TestbedGenerator(new TestbedOptions { Categories = ["count", "color"] });
        foreach (var sample in generator.Generate(TestbedSplit.Val, 0, 30))
        {
            using var _ = sample;
            var counted = TestbedExampleSource.CountedObjects(sample);
            if (sample.Question.Category == "count") Assert.Equal(int.Parse(sample.Question.Answer), counted.Count);
            else Assert.Empty(counted);
        }
    }

    [Fact]
    public void GroundingOnObjects_TargetsTheCountedObjects_AndTheFrameWhenThereAreNone()
    {
        var generator = new TestbedGenerator(new TestbedOptions { Categories = ["count"] });
        var frameSource = Source(generator, onObjects: false);
        var objectSource = Source(generator, onObjects: true);
        for (var i = 0; i < 10; i++)
        {
            using var sample = generator.Generate(TestbedSplit.Val, i);
            var frame = frameSource.Create(sample, TestbedView.Base).EvidenceMask!;
            var objects = objectSource.Create(sample, TestbedView.Base).EvidenceMask!;
            Assert.Equal(1f, objects.Sum(), 4);
            if (sample.Question.Answer == "0")
            {
                Assert.Equal(frame, objects);
                continue;
            }
            // Independent check: a token is targeted exactly when a counted object (input pixels = original / 4) overlaps it.
            var boxes = TestbedExampleSource.CountedObjects(sample).Select(b => new PixelBox(b.X0 / 4, b.Y0 / 4, b.X1 / 4, b.Y1 / 4)).ToArray();
            for (var t = 0; t < 64; t++)
            {
                var token = new PixelBox(t % 8 * 14, t / 8 * 14, t % 8 * 14 + 14, t / 8 * 14 + 14);
                var overlaps = boxes.Any(b => Math.Min(b.X1, token.X1) > Math.Max(b.X0, token.X0) && Math.Min(b.Y1, token.Y1) > Math.Max(b.Y0, token.Y0));
                Assert.Equal(overlaps, objects[t] > 0);
            }
            Assert.NotEqual(frame, objects);
        }
    }

    [Fact]
    public void WhichColorPositionQuestions_GroundOnTheItemOnTheNamedSide()
    {
        var generator = new TestbedGenerator(new TestbedOptions { Categories = ["position"], PositionForm = TestbedVocabulary.PositionWhichColor });
        var source = Source(generator, onObjects: false);
        for (var i = 0; i < 10; i++)
        {
            using var sample = generator.Generate(TestbedSplit.Val, i);
            var mask = source.Create(sample, TestbedView.Base).EvidenceMask!;
            Assert.Equal(1f, mask.Sum(), 4);
            // Independent check: the answer is the colour of exactly one of the three objects in the evidence box, and
            // a token is targeted exactly when that object (input pixels = original / 4) overlaps it.
            var inBox = sample.Scene.Objects.Where(o => o.IsSmall && sample.Question.Evidence.Contains(o.PixelBox)).ToList();
            Assert.Equal(3, inBox.Count);
            var b = Assert.Single(inBox, o => o.Color == sample.Question.Answer).PixelBox;
            b = new PixelBox(b.X0 / 4, b.Y0 / 4, b.X1 / 4, b.Y1 / 4);
            for (var t = 0; t < 64; t++)
            {
                var token = new PixelBox(t % 8 * 14, t / 8 * 14, t % 8 * 14 + 14, t / 8 * 14 + 14);
                var overlaps = Math.Min(b.X1, token.X1) > Math.Max(b.X0, token.X0) && Math.Min(b.Y1, token.Y1) > Math.Max(b.Y0, token.Y0);
                Assert.Equal(overlaps, mask[t] > 0);
            }
        }
    }
}
