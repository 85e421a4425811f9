using Blink.Workbench.Analysis;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Text;
using Blink.Workbench.Training;
using TorchSharp;

namespace Blink.Workbench.Tests.Analysis;

/// <summary>A random tiny testbed model (6 layers, 8×8 grid) and a few generated testbed samples with evidence boxes.</summary>
internal static class PilotFixtures
{
    public static ModelBundle RandomTinyBundle(int seed = 7, bool uniformAttention = false)
    {
        torch.manual_seed(seed);
        var tokenizer = Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer();
        var model = new LlavaForConditionalGeneration(TinyModelConfig.Create(tokenizer));
        model.eval();
        if (uniformAttention)
        {
            // q = 0 makes every score 0, so each query attends uniformly to the keys it may see.
            using var noGrad = torch.no_grad();
            foreach (var (name, p) in model.named_parameters())
                if (name.Contains("language_model") && name.EndsWith("q_proj.weight", StringComparison.Ordinal)) p.zero_();
        }
        var preprocessor = new ImagePreprocessor(new ImagePreprocessOptions { Size = 112, PatchSize = 14 });
        return new ModelBundle(model, tokenizer, PromptTemplate.Testbed, preprocessor, "random-tiny");
    }

    /// <summary>Generated validation samples (images kept in memory as PNG so each load decodes a fresh bitmap).</summary>
    public static IReadOnlyList<StudySample> Samples(int count)
    {
        var generator = new TestbedGenerator();
        return generator.Generate(TestbedSplit.Val, 0, count).Select(s =>
        {
            using (s)
            {
                var png = s.EncodePng();
                return new StudySample(s.Question.QuestionId, s.Question.Category, s.Question.Text,
                    () => ImageLoader.FromBytes(png, s.Question.QuestionId), s.Question.Evidence);
            }
        }).ToArray();
    }
}
