using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>Per layer, the last prompt token's hidden state after the layer and its head-mean attention over the visual tokens.</summary>
internal sealed class LastTokenRecorder : IDecoderInterceptor
{
    public Dictionary<int, float[]> Hidden { get; } = [];
    public Dictionary<int, float[]> Attention { get; } = [];

    /// <summary>
    /// One probe forward of a single example (call under no_grad): the visual features (projector output) of
    /// <paramref name="tokens"/>, the recorder filled for every layer, and whether the closed-set answer is right.
    /// </summary>
    public static (float[][] TokenFeatures, LastTokenRecorder Recorder, bool Correct) Forward(ModelBundle bundle, TestbedExample example, params int[] tokens)
    {
        using var scope = NewDisposeScope();
        using var batch = TestbedBatch.Create([example], bundle.Tokenizer.PadId, bundle.Tokenizer.EosId, withAnswer: false, bundle.Model.Device);
        var features = bundle.Model.GetImageFeatures(batch.Pixels);
        var rows = tokens.Select(t => features[0, t].to(ScalarType.Float32).cpu().ToFloatArray()).ToArray();
        var recorder = new LastTokenRecorder();
        var logits = bundle.Model.forward(new LlavaInput(batch.InputIds, null, Interceptor: recorder, ImageFeatures: features)).Logits;
        return (rows, recorder, ClosedSetPredictor.BestChoice(logits[0, -1].cpu(), example.ChoiceIds) == example.AnswerId);
    }

    public AttentionRequest BeforeLayer(int layer, DecoderState state) => state.IsPrefill ? AttentionRequest.LastRow(state) : AttentionRequest.None;

    public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
    {
        if (!state.IsPrefill) return;
        var layout = state.Layout ?? throw new InvalidOperationException("A probe needs an image in the prompt.");
        Hidden[layer] = state.HiddenStates[0, state.Length - 1].to(ScalarType.Float32).cpu().ToFloatArray();
        var rows = observation.RowProbabilities ?? throw new InvalidOperationException($"Layer {layer} reported no attention row.");
        Attention[layer] = rows[0].select(1, rows.shape[2] - 1).mean([0]).narrow(0, layout.ImageStart, layout.ImageLength).cpu().ToFloatArray();
    }
}
