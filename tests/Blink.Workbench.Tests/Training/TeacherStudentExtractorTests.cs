using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class TeacherStudentExtractorTests
{
    [Fact]
    public void CropBox_IsTheRegionsOriginalPixelBox_AndMapsBackToTheSameTokens()
    {
        // 448-px original, 112-px input: 4 original pixels per input pixel, 56 per token.
        var geometry = new ImagePreprocessor(new ImagePreprocessOptions { Size = 112, PatchSize = 14 }).GeometryFor(448, 448);
        var region = new Region(1, 2, 2);                     // tokens rows [2, 4), cols [4, 6)
        var box = TeacherStudentExtractor.CropBox(geometry, region);
        Assert.Equal(new PixelBox(224, 112, 336, 224), box);
        Assert.Equal(new TokenRegion(2, 4, 4, 6), geometry.ToTokenRegion(box));

        // Padded (wide) image: visible regions round-trip; regions in the padding are not trained on.
        var wide = new ImagePreprocessor(new ImagePreprocessOptions { Size = 112, PatchSize = 14 }).GeometryFor(448, 224);
        var grid = new RegionGrid(8, 8, 2);
        for (var i = 0; i < grid.Count; i++)
        {
            var r = grid[i];
            if (!TeacherStudentExtractor.IsFullyVisible(wide, r)) continue;
            Assert.Equal(TeacherStudentExtractor.ToTokenRegion(r), wide.ToTokenRegion(TeacherStudentExtractor.CropBox(wide, r)));
        }
        Assert.False(TeacherStudentExtractor.IsFullyVisible(wide, new Region(0, 0, 2)));  // top rows are padding
        Assert.True(TeacherStudentExtractor.IsFullyVisible(wide, new Region(2, 0, 2)));
    }

    [Fact]
    public void Extract_StudentIsTheRegionPxP_TeacherIsPooledTo2px2p_RegionIsTheSgsArgmax()
    {
        using var bundle = TokenSRFixtures.Bundle();
        var options = TokenSRFixtures.Extraction(bundle, randomRatio: 0);
        var extractor = new TeacherStudentExtractor(bundle, options);
        var data = TokenSRFixtures.Data(TestbedSplit.Train, 1);
        using var sample = data.Get(0);
        var pairs = extractor.Extract(sample, 0);
        try
        {
            var d = bundle.Model.Config.TextConfig.HiddenSize;
            var p = options.Blink.PatchSize;
            Assert.Equal(options.Layers, pairs.Select(x => x.Info.Layer));
            var geometry = bundle.Preprocessor.GeometryFor(sample.Image.Width, sample.Image.Height);

            // Reference: a vanilla forward with the recorder gives the scan and the full-image hidden states.
            using var recorder = new BlinkLayerRecorder(options.Blink);
            using (torch.no_grad())
            using (NewDisposeScope())
                bundle.Model.forward(new Blink.Workbench.Models.LlavaInput(bundle.PromptIds(sample.Question), bundle.Preprocessor.ToTensor(sample.Image).unsqueeze(0), Interceptor: recorder));
            foreach (var pair in pairs)
            {
                Assert.Equal([d, p, p], pair.Student.shape);
                Assert.Equal([d, 2 * p, 2 * p], pair.Teacher.shape);
                var map = recorder.Maps[pair.Info.Layer];
                Assert.False(pair.Info.Random);
                Assert.Equal(map.Salient, new Region(pair.Info.Row, pair.Info.Col, p));
                Assert.Equal(map.Rho, pair.Info.Rho);
                var box = TeacherStudentExtractor.CropBox(geometry, map.Salient);
                Assert.Equal([box.X0, box.Y0, box.X1, box.Y1], pair.Info.Box);
                var expected = TeacherStudentExtractor.StudentPatch(recorder.Hidden[pair.Info.Layer], 8, map.Salient);
                TensorAssert.Identical(expected, pair.Student, "student");
            }
            Assert.True(extractor.Forwards is >= 2 and <= 3); // one full forward + one crop per distinct region
        }
        finally
        {
            foreach (var x in pairs) x.Dispose();
        }
    }

    [Fact]
    public void PoolTeacher_AveragesGridBlocks()
    {
        var hidden = torch.arange(64 * 3, dtype: ScalarType.Float32).view(64, 3); // token t, channel c = 3t + c
        var pooled = TeacherStudentExtractor.PoolTeacher(hidden, 8, 8, 4);
        Assert.Equal([3, 4, 4], pooled.shape);
        // Block (1, 2): tokens rows 2–3, cols 4–5 → t = 20, 21, 28, 29; channel 1 → mean of 3t + 1.
        var expected = new[] { 20, 21, 28, 29 }.Average(t => 3.0 * t + 1);
        Assert.Equal(expected, pooled[1, 1, 2].item<float>(), 4);
    }

    [Fact]
    public void RandomRegionRatio_DrawsRandomRegionsAtAboutThatRate_Reproducibly()
    {
        var map = new SaliencyMap(2, new float[64], 8, 8, new RegionGrid(8, 8, 2), Enumerable.Range(0, 16).Select(i => (double)i).ToArray(), 0.1, 15, double.NaN);
        var all = Enumerable.Range(0, 16).ToArray();
        var draws = Enumerable.Range(0, 2000).Select(i => TeacherStudentExtractor.ChooseRegion(map, all, 5, i, 2, 0.2)).ToArray();
        Assert.InRange(draws.Count(d => d.Random) / 2000.0, 0.17, 0.23);
        Assert.All(draws.Where(d => !d.Random), d => Assert.Equal(map.Regions[15], d.Region));
        Assert.Equal(draws[7], TeacherStudentExtractor.ChooseRegion(map, all, 5, 7, 2, 0.2));
    }
}
