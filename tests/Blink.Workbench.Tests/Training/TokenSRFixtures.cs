using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Text;
using Blink.Workbench.Training;
using TorchSharp;

namespace Blink.Workbench.Tests.Training;

/// <summary>The random tiny testbed model (112 px, 8×8 grid, 6 layers; Blink layers 2–3, p = 2) and testbed data.</summary>
internal static class TokenSRFixtures
{
    public static ModelBundle Bundle(int seed = 1, PromptTemplate? template = null)
    {
        var tokenizer = global::Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer();
        torch.manual_seed(seed);
        var model = new LlavaForConditionalGeneration(TinyModelConfig.Create(tokenizer));
        model.eval();
        return new ModelBundle(model, tokenizer, template ?? PromptTemplate.Testbed,
            new ImagePreprocessor(new ImagePreprocessOptions { Size = 112, PatchSize = 14 }), "tiny-random");
    }

    public static BlinkOptions Blink(ModelBundle bundle) =>
        BlinkOptions.ForModel(bundle.Model.DecoderLayerCount, bundle.Model.Config.VisionConfig.GridSize);

    public static TokenSRExtractionOptions Extraction(ModelBundle bundle, double randomRatio = 0.2) =>
        new() { Blink = Blink(bundle), RandomRegionRatio = randomRatio, Seed = 3 };

    public static ITokenSRDataSource Data(TestbedSplit split, int count) =>
        new TestbedTokenSRSource(new TestbedGenerator(new TestbedOptions()), split, 0, count);
}
