using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// The C# model, loaded from a llava-hf folder through <see cref="ModelBundle.Load"/>, against the independent PyTorch
/// reference (<c>tools/reference/llava_reference.py</c>): every intermediate the golden file holds, in fp32, within 1e-4.
/// The model runs on the golden <c>pixel_values</c> so preprocessing differences cannot hide or cause a model mismatch;
/// the preprocessor is compared on its own.
/// </summary>
[Collection("Torch")]
public sealed class LlavaHfParityTests(LoadedFixture fixture, ITestOutputHelper output) : IClassFixture<LoadedFixture>
{
    private const double Tolerance = 1e-4;

    private ModelBundle Bundle => fixture.Bundle;
    private LlavaForConditionalGeneration Model => fixture.Bundle.Model;

    private void Report(string what, double diff) => output.WriteLine($"{what,-34} max |Δ| = {diff:E2}");

    [Fact]
    public void ExpandedVicunaPromptIds_EqualTheReferenceInputIds()
    {
        using var golden = GoldenReference.Read("input_ids");
        using var ids = Bundle.PromptIds(GoldenReference.Question);
        Assert.Equal(golden.data<long>().ToArray(), ids.data<long>().ToArray());
    }

    [Fact]
    public void Preprocessor_ReproducesTheReferencePixelValues()
    {
        using var golden = GoldenReference.Read("pixel_values");
        using var bitmap = ImageLoader.Load(GoldenReference.ImagePath);
        using var pixels = Bundle.Preprocessor.ToTensor(bitmap).unsqueeze(0);
        var diff = GoldenReference.MaxAbsDiff(golden, pixels, "pixel_values");
        Report("pixel_values", diff);
        Assert.True(diff <= Tolerance, $"pixel_values: max |Δ| = {diff:E3} exceeds {Tolerance:E1}");
    }

    [Fact]
    public void VisionTowerAndProjector_MatchTheReference()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var pixels = GoldenReference.Read("pixel_values");
        var hidden = GoldenReference.Read("vision_hidden_states");
        for (var i = 0; i < hidden.shape[0]; i++)
            Report($"vision_hidden_states[{i}]", GoldenReference.AssertClose(hidden[i], Model.GetVisionHiddenState(pixels, i)[0], Tolerance, $"vision_hidden_states[{i}]"));
        var layer = Model.Config.VisionHiddenStateIndex;
        Report("image_features_unprojected", GoldenReference.AssertClose(GoldenReference.Read("image_features_unprojected"),
            Model.GetVisionHiddenState(pixels, layer)[0, 1..], Tolerance, "image_features_unprojected"));
        Report("image_features", GoldenReference.AssertClose(GoldenReference.Read("image_features"),
            Model.GetImageFeatures(pixels)[0], Tolerance, "image_features"));
    }

    [Fact]
    public void Prefill_MatchesResidualStreamLogitsAndAttentionOfEveryLayer()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = GoldenReference.Read("input_ids");
        var pixels = GoldenReference.Read("pixel_values");
        using var recorder = new ReferenceRecorder();
        var result = Model.forward(new LlavaInput(ids, pixels, null, recorder, LogitsMode.All));

        Report("inputs_embeds", GoldenReference.AssertClose(GoldenReference.Read("inputs_embeds"), recorder.Residual[0][0], Tolerance, "inputs_embeds"));
        var residual = GoldenReference.Read("residual_stream");
        Assert.Equal(residual.shape[0], recorder.Residual.Count);
        for (var l = 0; l < residual.shape[0]; l++)
            Report($"residual_stream[{l}]", GoldenReference.AssertClose(residual[l], recorder.Residual[l][0], Tolerance, $"residual_stream[{l}]"));

        Report("logits (all positions)", GoldenReference.AssertClose(GoldenReference.Read("logits"), result.Logits[0], Tolerance, "logits"));

        var rows = GoldenReference.Read("attentions_last_token"); // [layers, heads, L]
        Assert.Equal(rows.shape[0], recorder.LastRows.Count);
        for (var l = 0; l < rows.shape[0]; l++)
            Report($"attentions_last_token[{l}]", GoldenReference.AssertClose(rows[l], recorder.LastRows[l][0], Tolerance, $"attentions_last_token[{l}]"));
        Report("attentions_layer0 (full)", GoldenReference.AssertClose(GoldenReference.Read("attentions_layer0"), recorder.Layer0Full![0], Tolerance, "attentions_layer0"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GreedyDecoding_ProducesTheReferenceTokens(bool useCache)
    {
        using var ids = GoldenReference.Read("input_ids");
        using var pixels = GoldenReference.Read("pixel_values");
        using var golden = GoldenReference.Read("generated_ids");
        var result = GreedyDecoder.Generate(Model, ids, pixels, new GenerationOptions(MaxNewTokens: (int)golden.shape[0], UseCache: useCache));
        Assert.Equal(golden.data<long>().ToArray(), result.Tokens.Select(t => (long)t).ToArray());
    }

    [Fact]
    public void CachedDecodeSteps_MatchTheReferenceStepLogits()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = GoldenReference.Read("input_ids");
        var pixels = GoldenReference.Read("pixel_values");
        var golden = GoldenReference.Read("generation_step_logits"); // [steps, V]
        using var cache = new KvCache(Model.DecoderLayerCount);
        var logits = Model.forward(new LlavaInput(ids, pixels, cache)).Logits[0, -1];
        var worst = 0.0;
        for (var step = 0; step < golden.shape[0]; step++)
        {
            worst = Math.Max(worst, GoldenReference.AssertClose(golden[step], logits, Tolerance, $"generation_step_logits[{step}]"));
            var next = logits.argmax().reshape(1, 1);
            logits = Model.forward(new LlavaInput(next, null, cache)).Logits[0, -1];
        }
        Report("generation_step_logits (cached)", worst);
    }
}
