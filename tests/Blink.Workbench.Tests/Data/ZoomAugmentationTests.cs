using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Tests.Imaging;

namespace Blink.Workbench.Tests.Data;

public class ZoomAugmentationTests
{
    private static readonly TestbedGenerator Generator = new();

    [Fact]
    public void Zoom_crop_contains_the_evidence_and_keeps_question_and_answer()
    {
        var o = Generator.Options;
        var zoomed = 0;
        foreach (var sample in Generator.Generate(TestbedSplit.Train, 0, 24))
        {
            using (sample)
            {
                if (!ZoomAugmentation.IsZoomInvariant(sample.Scene))
                    continue;
                using var z = ZoomAugmentation.RandomZoom(sample, new TestbedRandom(1234), o.InputSize, o.TokenPixels);
                Assert.True(z.CropBox.Contains(sample.Question.Evidence), $"{z.CropBox} misses {sample.Question.Evidence}");
                Assert.True(new PixelBox(0, 0, o.ImageSize, o.ImageSize).Contains(z.CropBox));
                Assert.Equal(o.InputSize, Math.Max(z.Image.Width, z.Image.Height));
                Assert.Equal(sample.Question with { EvidenceBox = z.Question.EvidenceBox }, z.Question);
                Assert.True(new PixelBox(0, 0, z.Image.Width, z.Image.Height).Contains(z.Question.Evidence));
                // The crop really is a zoom: the evidence covers more of the model input than before.
                var before = sample.Question.Evidence.Area / (o.ImageSize * (double)o.ImageSize);
                var after = z.Question.Evidence.Area / (z.Image.Width * (double)z.Image.Height);
                Assert.True(after > before, $"{sample.Question.QuestionId}: {after} <= {before}");
                zoomed++;
            }
        }
        Assert.True(zoomed >= 18);
    }

    [Fact]
    public void Zoom_is_deterministic_for_a_seed()
    {
        using var sample = Generator.Generate(TestbedSplit.Val, 1);
        using var a = ZoomAugmentation.RandomZoom(sample, new TestbedRandom(9), 112, 56);
        using var b = ZoomAugmentation.RandomZoom(sample, new TestbedRandom(9), 112, 56);
        using var c = ZoomAugmentation.RandomZoom(sample, new TestbedRandom(10), 112, 56);
        Assert.Equal(a.CropBox, b.CropBox);
        Assert.Equal(ImageFixtures.EncodePng(a.Image), ImageFixtures.EncodePng(b.Image));
        Assert.NotEqual(a.CropBox, c.CropBox);
    }

    [Fact]
    public void Quadrant_count_questions_are_refused()
    {
        var quadrants = new TestbedGenerator(new TestbedOptions { Categories = ["count"], QuadrantCountShare = 1 });
        using var quadrant = quadrants.Generate(TestbedSplit.Train, 0);
        Assert.Equal(SceneRegion.Quadrant, quadrant.Scene.Region?.Kind);
        Assert.False(ZoomAugmentation.IsZoomInvariant(quadrant.Scene));
        var e = Assert.Throws<ArgumentException>(() => ZoomAugmentation.RandomZoom(quadrant, new TestbedRandom(1), 112, 56));
        Assert.Contains(quadrant.Question.QuestionId, e.Message);
    }

    [Fact]
    public void Evidence_outside_the_image_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ZoomAugmentation.RandomCropBox(new PixelBox(400, 400, 500, 500), 448, 448, new TestbedRandom(1), 56, new ZoomOptions()));
        Assert.Contains("[400, 400, 500, 500]", e.Message);
    }
}
