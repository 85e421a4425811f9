using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>What <see cref="PositionProbe"/> looks at.</summary>
public sealed record PositionProbeOptions
{
    /// <summary>Position questions to probe (the first 70% fit each probe, the rest score it).</summary>
    public int Questions { get; init; } = 1000;
    public TestbedSplit Split { get; init; } = TestbedSplit.Val;
    /// <summary>Whole image (what vanilla sees) or the evidence crop (what the zoom oracle sees).</summary>
    public TestbedView View { get; init; } = TestbedView.Base;
    /// <summary>The testbed the questions come from (restricted to position questions); default: the embedded one.</summary>
    public TestbedOptions Testbed { get; init; } = new();

    public void Validate()
    {
        if (Questions < 20) throw new ArgumentException($"PositionProbeOptions.Questions = {Questions}: the probes need at least 20 questions.");
        if (View == TestbedView.RandomZoom) throw new ArgumentException("PositionProbeOptions.View: probe the whole image (Base) or the evidence crop (EvidenceCrop), not a random zoom.");
    }
}

/// <summary>One decoder layer: where the last prompt token looks, and what its hidden state after the layer knows.</summary>
/// <param name="AttentionOnFirst">Mean head-mean attention of the last prompt token on the visual token under the first object (<see cref="PositionProbeResult.Form"/> says which).</param>
/// <param name="AttentionOnSecond">The same for the second object.</param>
/// <param name="KnowsRelation">Held-out accuracy of a linear probe for "the first object comes first along the question's axis".</param>
/// <param name="KnowsAnswer">Held-out accuracy of a linear probe for the answer (yes/no, or the colour of a which-color question).</param>
public sealed record PositionProbeLayer(int Layer, double AttentionOnFirst, double AttentionOnSecond, double KnowsRelation, double KnowsAnswer);

/// <param name="Form">The question form (<see cref="TestbedOptions.PositionForm"/>). Yes-no: the first object is the one the
/// question names first, the second the other. Which-color: the first is the answer item (on the named side of the
/// reference), the second the other item of the asked shape, on the opposite side.</param>
/// <param name="FeaturesKnowRelation">Probe on the visual features (projector output) of both objects' tokens, concatenated.</param>
/// <param name="FirstFeatureKnowsRelation">Probe on the first object's token alone.</param>
/// <param name="SharedToken">Share of questions whose two objects fall in the same visual token of this view.</param>
/// <param name="ModelAccuracy">The model's own closed-set accuracy on these questions, for comparison.</param>
/// <param name="AnswerChance">Accuracy of always giving the commonest answer of the probe's held-out questions (the answer probe's chance).</param>
public sealed record PositionProbeResult(
    int Questions, TestbedView View, string Form, double UniformAttention, double SharedToken, double ModelAccuracy, double AnswerChance,
    double FeaturesKnowRelation, double FirstFeatureKnowsRelation, IReadOnlyList<PositionProbeLayer> Layers)
{
    public bool AsksColor => Form == TestbedVocabulary.PositionWhichColor;

    /// <summary>Column names of the per-layer table, in the words of this form.</summary>
    public IReadOnlyList<string> Columns => AsksColor
        ? ["layer", "attention on answer item", "attention on other item", "hidden → side", "hidden → answer colour"]
        : ["layer", "attention on 1st", "attention on 2nd", "hidden → relation", "hidden → answer"];

    /// <summary>The result as a Markdown summary line and per-layer table (held-out probe accuracies).</summary>
    public string ToMarkdown()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(string.Format(c, "{0} {1} position questions, {2} view: the model answers {3:P1}; visual features of both objects → which comes first {4:P1} (first object alone {5:P1}); both in one token in {6:P0}. Relation probes: 50% is chance; answer probe: {7:P1}.",
            Questions, Form, View == TestbedView.Base ? "whole-image" : "evidence-crop", ModelAccuracy, FeaturesKnowRelation, FirstFeatureKnowsRelation, SharedToken, AnswerChance));
        sb.AppendLine();
        var header = Columns.ToArray();
        header[2] += string.Format(c, " (uniform {0:F3})", UniformAttention);
        sb.AppendLine("| " + string.Join(" | ", header) + " |");
        sb.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", header.Length)));
        foreach (var l in Layers)
            sb.AppendLine(string.Format(c, "| {0} | {1:F3} | {2:F3} | {3:P1} | {4:P1} |", l.Layer, l.AttentionOnFirst, l.AttentionOnSecond, l.KnowsRelation, l.KnowsAnswer));
        return sb.ToString();
    }
}

/// <summary>
/// Where a model loses the answer to a relative-position question ("Is the small red circle to the left of the small
/// blue star?", or in the which-color form "What color is the small star to the left of the small circle?"): in the
/// visual features (do the two objects' tokens say where they are?), in the attention (does the last prompt token look
/// at the first object — the first-named one, or the answer item — rather than the second?), or in the decoder (does
/// its hidden state, layer by layer, carry the relation and the answer?). Each "knows" is a <see cref="RidgeProbe"/>
/// held-out accuracy: 50% is chance for the relation probes, which are fitted per axis (left/right questions,
/// above/below questions) and pooled; the answer probe's chance is <see cref="PositionProbeResult.AnswerChance"/>.
/// </summary>
public static class PositionProbe
{
    public static PositionProbeResult Run(ModelBundle bundle, PositionProbeOptions options, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var generator = new TestbedGenerator(options.Testbed with { Categories = [TestbedVocabulary.Position] });
        var source = new TestbedExampleSource(generator, bundle.Preprocessor, bundle.Prompts);
        var grid = bundle.Preprocessor.Options.GridSize;
        var patch = bundle.Preprocessor.Options.PatchSize;
        var n = options.Questions;
        var asksColor = options.Testbed.PositionAsksColor;
        var first = new float[n][];
        var pair = new float[n][];
        var precedes = new bool[n];
        var horizontal = new bool[n];
        var answer = new int[n];
        var correct = 0;
        var shared = 0;
        Dictionary<int, float[][]>? hidden = null;
        Dictionary<int, (double A, double B)>? attention = null;

        using var _ = torch.no_grad();
        for (var i = 0; i < n; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var sample = generator.Generate(options.Split, i);
            var roles = asksColor ? WhichColorRoles(sample) : YesNoRoles(sample);
            var (a, b) = (roles.First, roles.Second);
            horizontal[i] = roles.Horizontal;
            precedes[i] = horizontal[i] ? a.CenterX < b.CenterX : a.CenterY < b.CenterY;
            answer[i] = roles.Answer;

            var (pixels, toInput) = source.Render(sample, options.View);
            var example = source.Build(sample.Question, options.View, pixels);
            var (tokenA, tokenB) = (Token(toInput(a), grid, patch), Token(toInput(b), grid, patch));
            if (tokenA == tokenB) shared++;

            var (features, recorder, right) = LastTokenRecorder.Forward(bundle, example, tokenA, tokenB);
            if (right) correct++;
            first[i] = features[0];
            pair[i] = features[0].Concat(features[1]).ToArray();

            hidden ??= recorder.Hidden.Keys.ToDictionary(l => l, _ => new float[n][]);
            attention ??= recorder.Hidden.Keys.ToDictionary(l => l, _ => (0.0, 0.0));
            foreach (var (layer, h) in recorder.Hidden)
            {
                hidden[layer][i] = h;
                var map = recorder.Attention[layer];
                attention[layer] = (attention[layer].A + map[tokenA] / n, attention[layer].B + map[tokenB] / n);
            }
            progress?.Report(i + 1);
        }

        var classes = asksColor ? TestbedVocabulary.ColorNames.Count : 2;
        var layers = hidden!.Keys.Order().Select(l => new PositionProbeLayer(
            l, attention![l].A, attention[l].B, ByAxis(hidden[l], precedes, horizontal), RidgeProbe.HeldOutAccuracy(hidden[l], answer, classes))).ToArray();
        var held = answer.TakeLast(RidgeProbe.HeldOutRows(n)).ToArray();
        var answerChance = (double)held.CountBy(x => x).Max(g => g.Value) / held.Length;
        var form = asksColor ? TestbedVocabulary.PositionWhichColor : TestbedVocabulary.PositionYesNo;
        return new PositionProbeResult(n, options.View, form, 1.0 / (grid * grid), (double)shared / n, (double)correct / n, answerChance,
            ByAxis(pair, precedes, horizontal), ByAxis(first, precedes, horizontal), layers);
    }

    /// <summary>The two probed objects of a question, its axis, and its answer as a class index.</summary>
    internal sealed record Roles(PixelBox First, PixelBox Second, bool Horizontal, int Answer);

    /// <summary>Yes-no form: the first-named object, the second-named one; answer 1 = yes.</summary>
    internal static Roles YesNoRoles(TestbedSample sample)
    {
        var parts = TestbedVocabulary.ParsePositionQuestion(sample.Question.Question)
                    ?? throw new InvalidDataException($"{sample.Question.QuestionId}: '{sample.Question.Question}' is not a yes-no position question of this testbed.");
        return new Roles(ObjectBox(sample, o => o.Color == parts.ColorA && o.Kind == parts.ShapeA, $"small {parts.ColorA} {parts.ShapeA}"),
            ObjectBox(sample, o => o.Color == parts.ColorB && o.Kind == parts.ShapeB, $"small {parts.ColorB} {parts.ShapeB}"),
            parts.Relation is "left" or "right", sample.Question.Answer == "yes" ? 1 : 0);
    }

    /// <summary>
    /// Which-color form: the answer item (the asked shape in the answer's colour, on the named side of the reference)
    /// and the other item of the asked shape (on the opposite side); answer = the colour's index.
    /// </summary>
    internal static Roles WhichColorRoles(TestbedSample sample)
    {
        var parts = TestbedVocabulary.ParsePositionColorQuestion(sample.Question.Question)
                    ?? throw new InvalidDataException($"{sample.Question.QuestionId}: '{sample.Question.Question}' is not a which-color position question of this testbed.");
        var color = sample.Question.Answer;
        return new Roles(ObjectBox(sample, o => o.Kind == parts.Shape && o.Color == color, $"small {color} {parts.Shape}"),
            ObjectBox(sample, o => o.Kind == parts.Shape && o.Color != color, $"second small {parts.Shape}"),
            parts.Relation is "left" or "right", TestbedVocabulary.ColorNames.ToList().IndexOf(color));
    }

    /// <summary>Probes each axis on its own questions (a left/right relation is not an above/below one) and pools the scores by their held-out rows.</summary>
    private static double ByAxis(float[][] x, bool[] label, bool[] horizontal)
    {
        double hits = 0, rows = 0;
        foreach (var axis in new[] { true, false })
        {
            var idx = Enumerable.Range(0, x.Length).Where(i => horizontal[i] == axis).ToArray();
            if (idx.Length < 10 || idx.Select(i => label[i]).Distinct().Count() < 2) continue;
            var held = RidgeProbe.HeldOutRows(idx.Length);
            hits += held * RidgeProbe.HeldOutAccuracy(idx.Select(i => x[i]).ToArray(), idx.Select(i => label[i]).ToArray());
            rows += held;
        }
        return rows == 0 ? double.NaN : hits / rows;
    }

    private static PixelBox ObjectBox(TestbedSample sample, Func<SceneObject, bool> match, string what)
    {
        var found = sample.Scene.Objects.Where(o => o.Size == TestbedVocabulary.Small && match(o)).ToArray();
        return found.Length == 1 ? found[0].PixelBox
            : throw new InvalidDataException($"{sample.Question.QuestionId}: the scene has {found.Length} objects matching '{what}', expected one.");
    }

    /// <summary>The visual token under a box's centre (row-major), clamped to the grid.</summary>
    internal static int Token(PixelBox inputBox, int grid, int patch) =>
        Math.Clamp((int)Math.Floor(inputBox.CenterY / patch), 0, grid - 1) * grid + Math.Clamp((int)Math.Floor(inputBox.CenterX / patch), 0, grid - 1);
}
