using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Evaluation.Runs;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Training;

namespace Blink.Workbench.Tests.Methods;

/// <summary>The embedded tiny testbed model and a few test questions, loaded once for the headroom methods' tests.</summary>
public sealed class HeadroomFixture : IDisposable
{
    public HeadroomFixture()
    {
        var root = Path.GetDirectoryName(global::Blink.Workbench.Tests.IO.FixturePaths.LlavaTinyHf)!;
        Bundle = ModelBundle.Load(Path.Combine(root, "..", "..", "data", "models", "tiny-testbed"));
        var config = Bundle.Model.Config;
        Blink = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize);
        ViCrop = ViCropOptions.ForModel(config.TextConfig.NumHiddenLayers);
        Methods = MethodCatalog.Headroom(Blink, ViCrop, config.TextConfig.NumHiddenLayers / 2);
        Runner = new MethodRunner(Bundle);
        Samples = new TestbedGenerator().Generate(TestbedSplit.Test, 0, 6).ToArray();
    }

    public ModelBundle Bundle { get; }
    public BlinkOptions Blink { get; }
    public ViCropOptions ViCrop { get; }
    public IReadOnlyList<MethodSpec> Methods { get; }
    public MethodRunner Runner { get; }
    public IReadOnlyList<TestbedSample> Samples { get; }

    public MethodInput Input(int i) => new(Samples[i].Image, Samples[i].Question.Text, i, Samples[i].Question.Evidence, Samples[i].Question.Choices);

    public void Dispose()
    {
        foreach (var s in Samples) s.Dispose();
        Bundle.Dispose();
    }
}

public class HeadroomMethodsTests(HeadroomFixture f) : IClassFixture<HeadroomFixture>
{
    private MethodSpec M(string name) => MethodCatalog.Find(f.Methods, name);

    [Theory]
    [InlineData("vicrop", 2, 3)]
    [InlineData("vicrop-crop", 1, 3)]
    [InlineData("salient-crop", 1, 2)]
    [InlineData("image+evidence", 2, 1)]
    [InlineData("teacher-evidence", 1, 2)]
    [InlineData("teacher-vicrop", 1, 4)]
    public void EveryMethod_AnswersDeterministically_WithItsCost(string name, int imagesInPrompt, int forwards)
    {
        var method = M(name);
        Assert.Equal(imagesInPrompt, method.ImagesPerPrompt);
        f.Runner.Validate([method]);
        var first = f.Runner.Answer(method, f.Input(0));
        var second = f.Runner.Answer(method, f.Input(0));
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.ChoiceScores, second.ChoiceScores);
        Assert.Equal(forwards, first.Forwards);
        Assert.Equal(imagesInPrompt + forwards - 1, first.VisionPasses);
        var visual = f.Bundle.Model.Config.ImageTokenCount;
        var vanilla = f.Runner.Answer(new MethodSpec("vanilla", "", MethodKind.Vanilla), f.Input(0));
        // Two images in the prompt: one more image's tokens in every layer of the answering forward.
        Assert.Equal(vanilla.TokensPerLayer.Sum() + (imagesInPrompt - 1) * visual * f.Bundle.Model.DecoderLayerCount + InsertedTokens(method), first.TokensPerLayer.Sum());
        Assert.True(first.TokensAllForwards > first.TokensPerLayer.Sum() || forwards == 1);
    }

    private int InsertedTokens(MethodSpec m) =>
        m.Kind == MethodKind.Blink ? (m.Blink!.Scale * m.Blink.PatchSize) * (m.Blink.Scale * m.Blink.PatchSize) * (f.Bundle.Model.DecoderLayerCount - 1 - m.Blink.FirstLayer) : 0;

    [Fact]
    public void ReusedProbes_GiveTheSameAnswersAndCosts()
    {
        var reusing = new MethodRunner(f.Bundle, reuseProbes: true);
        foreach (var name in new[] { "vicrop", "vicrop-crop", "teacher-vicrop" })
        {
            var alone = f.Runner.Answer(M(name), f.Input(4));
            var first = reusing.Answer(M(name), f.Input(4));
            var again = reusing.Answer(M(name), f.Input(4));
            Assert.Equal(alone.ChoiceScores, first.ChoiceScores);
            Assert.Equal(alone.ChoiceScores, again.ChoiceScores);
            Assert.Equal(alone.TokensAllForwards, again.TokensAllForwards);
            Assert.Equal(alone.Forwards, again.Forwards);
            Assert.Equal(alone.VisionPasses, again.VisionPasses);
        }
    }

    [Fact]
    public void ImageAndEvidence_SeesTheZoomOraclesCropAsItsSecondImage()
    {
        // The crop alone through the two-image code path with one view is the zoom oracle, bit for bit.
        var oracle = f.Runner.Answer(new MethodSpec("zoom-oracle", "", MethodKind.ZoomOracle), f.Input(1));
        var cropOnly = f.Runner.Answer(new MethodSpec("evidence-crop", "", MethodKind.InputCrop, Crop: new(RegionSource.Evidence, CropView.CropOnly)), f.Input(1));
        Assert.Equal(oracle.ChoiceScores, cropOnly.ChoiceScores);
        var both = f.Runner.Answer(M("image+evidence"), f.Input(1));
        Assert.NotEqual(oracle.ChoiceScores, both.ChoiceScores);
    }

    [Fact]
    public void TeacherInsertion_InsertsExactlyTheTokenSRTrainingTarget()
    {
        // The teacher expander's tokens for a region equal TeacherStudentExtractor's pooled crop states for it.
        var sample = f.Samples[2];
        var layer = f.Bundle.Model.Config.TextConfig.NumHiddenLayers / 2;
        var blink = f.Blink with { FirstLayer = layer, LastLayer = layer };
        var geometry = f.Bundle.Preprocessor.GeometryFor(sample.Image.Width, sample.Image.Height);
        var region = new RegionGrid(geometry.GridSize, geometry.GridSize, blink.PatchSize)[5];
        var teacher = new TeacherExpander(f.Bundle, sample.Image, sample.Question.Text, blink);
        using var patch = TorchSharp.torch.zeros(1, f.Bundle.Model.Config.TextConfig.HiddenSize, blink.PatchSize, blink.PatchSize);
        using var inserted = teacher.Expand(layer, region, patch);
        Assert.Equal(new long[] { 1, f.Bundle.Model.Config.TextConfig.HiddenSize, 2 * blink.PatchSize, 2 * blink.PatchSize }, inserted.shape);
        Assert.Equal(1, teacher.Forwards);
        // The crop forward stops after layer L: L + 1 layers of the one-image prompt.
        Assert.Equal((layer + 1) * f.Bundle.PromptIds(sample.Question.Text).shape[1], teacher.Tokens);

        using var crop = global::Blink.Workbench.Imaging.ImageCrop.Crop(sample.Image, CropTeacher.CropBox(geometry, region));
        using var recorder = new BlinkLayerRecorder(blink, [layer], scan: false, keepHidden: true);
        using (TorchSharp.torch.no_grad())
            f.Bundle.Model.forward(new LlavaInput(f.Bundle.PromptIds(sample.Question.Text), f.Bundle.Preprocessor.ToTensor(crop, f.Bundle.Model.Device).unsqueeze(0), Interceptor: recorder));
        using var target = CropTeacher.PoolTeacher(recorder.Hidden[layer], recorder.Layout!.GridHeight, recorder.Layout.GridWidth, 2 * blink.PatchSize);
        TensorAssert.Identical(target, inserted[0], "teacher insertion vs the TokenSR target");
    }

    [Fact]
    public void RelativeAttention_DiffersFromTheQuestionsOwnAttention()
    {
        var locator = new RelativeAttentionLocator(f.Bundle, f.ViCrop);
        var input = f.Input(3);
        var salient = locator.Locate(input.Image, input.Question, RegionSource.Salient);
        var relative = locator.Locate(input.Image, input.Question, RegionSource.RelativeAttention);
        Assert.Equal(1, salient.Forwards);
        Assert.Equal(2, relative.Forwards);
        Assert.Equal(64, salient.Map.Length);
        Assert.NotEqual(salient.Map, relative.Map);
        Assert.InRange(relative.Window.Rows, 2, 4);
        Assert.Equal(relative.Window.Rows, relative.Window.Cols);
    }

    [Fact]
    public void BadOptions_AreRefusedBeforeAnyCompute()
    {
        var config = f.Bundle.Model.Config;
        var vicrop = M("vicrop");
        var tooLarge = vicrop with { ViCrop = f.ViCrop with { WindowFractions = [0.5, 1.0] } };
        Assert.Contains("a crop window must be smaller than the image", Assert.Throws<ArgumentException>(() => f.Runner.Validate([tooLarge])).Message);
        var badLayer = vicrop with { ViCrop = f.ViCrop with { Layer = 6 } };
        Assert.Contains("ViCrop layer 6 is outside the model's decoder layers 0..5", Assert.Throws<ArgumentException>(() => f.Runner.Validate([badLayer])).Message);
        var badInsert = M("teacher-salient") with { Blink = M("teacher-salient").Blink! with { FirstLayer = 5, LastLayer = 5 } };
        Assert.Contains("last decoder layer", Assert.Throws<ArgumentException>(() => f.Runner.Validate([badInsert])).Message);
        var nothing = vicrop with { ViCrop = f.ViCrop with { GenericPrompt = "Zorblax quux!" } };
        var e = Assert.Throws<ArgumentException>(() => f.Runner.Validate([nothing]));
        Assert.Contains("tokenizes to nothing the model knows", e.Message);
        Assert.Contains("'vicrop'", e.Message);
        Assert.Throws<ArgumentException>(() => f.Runner.Validate([vicrop with { ViCrop = f.ViCrop with { GenericPrompt = "" } }]));

        // Two images on a model whose positions cannot hold them: named before any weights run.
        var small = LlavaConfig.Parse(config.ToJson());
        small.TextConfig.MaxPositionEmbeddings = 100;
        var two = Assert.Throws<ArgumentException>(() => MethodCatalog.Validate([vicrop], small));
        Assert.Contains("max_position_embeddings = 100", two.Message);
        MethodCatalog.Validate([M("vicrop-crop")], small);
    }

    [Fact]
    public void RunIdentity_ChangesWithEveryCropOption()
    {
        var benchmark = global::Blink.Workbench.Evaluation.Benchmarks.BenchmarkRegistry.Default.Get("testbed");
        var baseId = RunIdentity.For(M("vicrop"), f.Runner, benchmark);
        Assert.Equal("RelativeAttention", baseId.Fields["crop.source"]);
        var other = RunIdentity.For(M("vicrop") with { ViCrop = f.ViCrop with { GenericPrompt = "the image ." } }, f.Runner, benchmark);
        Assert.Contains(other.DifferencesFrom(baseId), d => d.StartsWith("vicrop.generic_prompt", StringComparison.Ordinal));
        var windows = RunIdentity.For(M("vicrop") with { ViCrop = f.ViCrop with { WindowFractions = [0.25] } }, f.Runner, benchmark);
        Assert.Contains(windows.DifferencesFrom(baseId), d => d.StartsWith("vicrop.window_fractions", StringComparison.Ordinal));
        var view = RunIdentity.For(M("vicrop-crop"), f.Runner, benchmark);
        Assert.Contains(view.DifferencesFrom(baseId), d => d.StartsWith("crop.view", StringComparison.Ordinal));
    }
}
