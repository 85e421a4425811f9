using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>What <see cref="ObjectProbe"/> looks at.</summary>
public sealed record ObjectProbeOptions
{
    /// <summary>The question family: one whose answer is a property of one small object (shape, color or digit).</summary>
    public string Category { get; init; } = TestbedVocabulary.Shape;
    /// <summary>Questions to probe (the first 70% fit each probe, the rest score it).</summary>
    public int Questions { get; init; } = 1000;
    public TestbedSplit Split { get; init; } = TestbedSplit.Val;
    /// <summary>Whole image (what vanilla sees) or the evidence crop (what the zoom oracle sees).</summary>
    public TestbedView View { get; init; } = TestbedView.Base;
    /// <summary>The testbed the questions come from (restricted to <see cref="Category"/>); default: the embedded one.</summary>
    public TestbedOptions Testbed { get; init; } = new();

    public static IReadOnlyList<string> Categories { get; } = [TestbedVocabulary.Shape, TestbedVocabulary.Color, TestbedVocabulary.Digit];

    public void Validate()
    {
        if (!Categories.Contains(Category))
            throw new ArgumentException($"ObjectProbeOptions.Category = {Category}: the object probe reads questions about one object; use one of {string.Join(", ", Categories)}.");
        if (Questions < 20) throw new ArgumentException($"ObjectProbeOptions.Questions = {Questions}: the probes need at least 20 questions.");
        if (View == TestbedView.RandomZoom) throw new ArgumentException("ObjectProbeOptions.View: probe the whole image (Base) or the evidence crop (EvidenceCrop), not a random zoom.");
    }
}

/// <summary>One decoder layer: how much the last prompt token looks at the asked object, and whether its hidden state knows the answer.</summary>
/// <param name="AttentionOnObject">Mean head-mean attention of the last prompt token on the visual token under the asked object.</param>
/// <param name="KnowsAnswer">Held-out accuracy of a linear probe for the answer on the hidden state after this layer.</param>
public sealed record ObjectProbeLayer(int Layer, double AttentionOnObject, double KnowsAnswer);

/// <param name="FeatureKnowsAnswer">Probe for the answer on the visual feature (projector output) of the token under the asked object:
/// whether the tower, at this view's resolution, encodes the property at all.</param>
/// <param name="ObjectPixels">Mean side of the asked object in model-input pixels in this view.</param>
/// <param name="ModelAccuracy">The model's own closed-set accuracy on these questions.</param>
/// <param name="AnswerChance">Accuracy of always giving the commonest answer of the probes' held-out questions.</param>
public sealed record ObjectProbeResult(
    string Category, int Questions, TestbedView View, double UniformAttention, double ObjectPixels, double ModelAccuracy, double AnswerChance,
    double FeatureKnowsAnswer, IReadOnlyList<ObjectProbeLayer> Layers)
{
    /// <summary>The result as a Markdown summary line and per-layer table (held-out probe accuracies).</summary>
    public string ToMarkdown()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(string.Format(c, "{0} {1} questions, {2} view (the asked object is {3:F1} input pixels wide): the model answers {4:P1}; the visual feature of the object's token → answer {5:P1}; chance {6:P1}.",
            Questions, Category, View == TestbedView.Base ? "whole-image" : "evidence-crop", ObjectPixels, ModelAccuracy, FeatureKnowsAnswer, AnswerChance));
        sb.AppendLine();
        sb.AppendLine(string.Format(c, "| layer | attention on the object (uniform {0:F3}) | hidden → answer |", UniformAttention));
        sb.AppendLine("|---|---|---|");
        foreach (var l in Layers)
            sb.AppendLine(string.Format(c, "| {0} | {1:F3} | {2:P1} |", l.Layer, l.AttentionOnObject, l.KnowsAnswer));
        return sb.ToString();
    }
}

/// <summary>
/// Where a model loses the answer to a question about one small object ("What shape is the small orange object?",
/// "What color is the small star?", "What digit is shown in red?"): in the visual feature of the object's token (does
/// the tower, at this resolution, encode the shape, colour or digit?), in the attention (does the last prompt token
/// find the object?), or in the decoder (does its hidden state, layer by layer, carry the answer?). Comparing the whole
/// image with the evidence crop separates "the detail is not in the features at the base resolution" from "the model
/// does not use what the features hold". Each "knows" is a one-against-the-rest <see cref="RidgeProbe"/>.
/// </summary>
public static class ObjectProbe
{
    public static ObjectProbeResult Run(ModelBundle bundle, ObjectProbeOptions options, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var generator = new TestbedGenerator(options.Testbed with { Categories = [options.Category] });
        var source = new TestbedExampleSource(generator, bundle.Preprocessor, bundle.Prompts);
        var grid = bundle.Preprocessor.Options.GridSize;
        var patch = bundle.Preprocessor.Options.PatchSize;
        var n = options.Questions;
        var features = new float[n][];
        var answer = new int[n];
        var classes = 0;
        var correct = 0;
        var pixels = 0.0;
        Dictionary<int, float[][]>? hidden = null;
        Dictionary<int, double>? attention = null;

        using var _ = torch.no_grad();
        for (var i = 0; i < n; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var sample = generator.Generate(options.Split, i);
            var q = sample.Question;
            classes = q.Choices.Count;
            answer[i] = q.Choices.ToList().IndexOf(q.Answer);
            var (image, toInput) = source.Render(sample, options.View);
            var example = source.Build(q, options.View, image);
            var box = toInput(AskedObject(sample));
            pixels += box.Width / n;
            var token = PositionProbe.Token(box, grid, patch);

            var (visual, recorder, right) = LastTokenRecorder.Forward(bundle, example, token);
            if (right) correct++;
            features[i] = visual[0];

            hidden ??= recorder.Hidden.Keys.ToDictionary(l => l, _ => new float[n][]);
            attention ??= recorder.Hidden.Keys.ToDictionary(l => l, _ => 0.0);
            foreach (var (layer, h) in recorder.Hidden)
            {
                hidden[layer][i] = h;
                attention[layer] += recorder.Attention[layer][token] / n;
            }
            progress?.Report(i + 1);
        }

        var layers = hidden!.Keys.Order().Select(l => new ObjectProbeLayer(l, attention![l], RidgeProbe.HeldOutAccuracy(hidden[l], answer, classes))).ToArray();
        var held = answer.TakeLast(RidgeProbe.HeldOutRows(n)).ToArray();
        var chance = (double)held.CountBy(x => x).Max(g => g.Value) / held.Length;
        return new ObjectProbeResult(options.Category, n, options.View, 1.0 / (grid * grid), pixels, (double)correct / n, chance,
            RidgeProbe.HeldOutAccuracy(features, answer, classes), layers);
    }

    /// <summary>
    /// The object a one-object question asks about: the small object whose centre is nearest the evidence box's centre
    /// (the evidence box of these families is the object with a margin around it).
    /// </summary>
    internal static PixelBox AskedObject(TestbedSample sample)
    {
        var e = sample.Question.Evidence;
        var inside = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small && e.Contains(o.PixelBox)).ToArray();
        if (inside.Length == 0)
            throw new InvalidDataException($"{sample.Question.QuestionId}: no small object lies inside the evidence box {e}.");
        return inside.MinBy(o => Math.Pow(o.PixelBox.CenterX - e.CenterX, 2) + Math.Pow(o.PixelBox.CenterY - e.CenterY, 2))!.PixelBox;
    }
}
