using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Text;

namespace Blink.Workbench.Training;

/// <summary>
/// Turns testbed samples into model inputs for a given view. Everything is a pure function of (split, index, view,
/// salt), so training can resume at any step and evaluation is reproducible.
/// </summary>
public sealed class TestbedExampleSource
{
    private readonly TestbedGenerator _generator;
    private readonly ImagePreprocessor _preprocessor;
    private readonly PromptBuilder _prompts;
    private readonly ITextTokenizer _tokenizer;
    private readonly bool _groundCountOnObjects;
    private readonly double? _patchLabelCover;

    /// <param name="groundCountOnObjects">
    /// Grounding target of frame-count questions: the counted objects inside the frame (true; the frame itself when the
    /// answer is 0) instead of the whole frame (the evidence box). See <see cref="BaseTrainingOptions.GroundCountOnObjects"/>.
    /// </param>
    /// <param name="patchLabelCover">Which tokens an object labels (<see cref="PatchLabels.For"/>, <see cref="BaseTrainingOptions.PatchLabelCover"/>).</param>
    public TestbedExampleSource(TestbedGenerator generator, ImagePreprocessor preprocessor, PromptBuilder prompts, bool groundCountOnObjects = false, double? patchLabelCover = null)
    {
        _patchLabelCover = patchLabelCover;
        _groundCountOnObjects = groundCountOnObjects;
        _generator = generator;
        _preprocessor = preprocessor;
        _prompts = prompts;
        _tokenizer = prompts.Tokenizer;
        if (preprocessor.Options.Size != generator.Options.InputSize)
            throw new ArgumentException($"The model takes {preprocessor.Options.Size}px images but the testbed is generated for {generator.Options.InputSize}px.");
    }

    public TestbedGenerator Generator => _generator;
    public ImagePreprocessor Preprocessor => _preprocessor;
    public PromptBuilder Prompts => _prompts;

    /// <summary>Original-image pixels per visual token (the testbed renders at RenderScale × the input size).</summary>
    public int TokenPixels => _generator.Options.PatchSize * _generator.Options.RenderScale;

    public TestbedExample Create(TestbedSplit split, int index, TestbedView view, ulong salt = 0)
    {
        using var sample = _generator.Generate(split, index);
        return Create(sample, view, salt);
    }

    public TestbedExample Create(TestbedSample sample, TestbedView view, ulong salt = 0)
    {
        // Quadrant-count questions change meaning under a crop: they are always shown whole.
        if (view != TestbedView.Base && !ZoomAugmentation.IsZoomInvariant(sample.Scene)) view = TestbedView.Base;
        var (pixels, toInput) = Render(sample, view, salt);
        var (kinds, colors) = PatchLabels.For(sample.Scene, toInput, _preprocessor.Options.GridSize, _preprocessor.Options.PatchSize, _patchLabelCover);
        var grid = _preprocessor.Options.GridSize;
        var patch = _preprocessor.Options.PatchSize;
        var targets = GroundingTargets(sample);
        var evidence = targets.Count > 0
            ? GroundingLoss.MaskOfBoxes(targets.Select(toInput), grid, patch)
            : GroundingLoss.EvidenceMask(toInput(sample.Question.Evidence), grid, patch);
        return Build(sample.Question, view, pixels) with { PatchKinds = kinds, PatchColors = colors, EvidenceMask = evidence };
    }

    /// <summary>
    /// The objects the grounding loss points at when they are not the whole evidence box (empty: the box): the counted
    /// objects of a frame-count question when asked for, and the item whose colour answers a "which-color" position
    /// question (TestbedOptions.PositionForm) — the one of the three in the evidence box with the answer's colour (the
    /// generator gives the reference a third colour), as a colour question points at the object it asks about.
    /// </summary>
    private IReadOnlyList<PixelBox> GroundingTargets(TestbedSample sample)
    {
        if (_groundCountOnObjects && CountedObjects(sample) is { Count: > 0 } counted) return counted;
        if (sample.Question.Category != TestbedVocabulary.Position || !_generator.Options.PositionAsksColor) return [];
        var evidence = sample.Question.Evidence;
        return [sample.Scene.Objects.Single(o => o.IsSmall && o.Color == sample.Question.Answer && evidence.Contains(o.PixelBox)).PixelBox];
    }

    /// <summary>
    /// The model-input pixels (CHW) of one view of a sample, and the map from original-image pixel boxes to model-input
    /// pixels in that view (whole image: the preprocessing geometry; a crop: its offset and resize, then the geometry).
    /// </summary>
    public (float[] Pixels, Func<PixelBox, PixelBox> ToInput) Render(TestbedSample sample, TestbedView view, ulong salt = 0)
    {
        float[] pixels;
        Func<PixelBox, PixelBox> toInput;
        switch (view)
        {
            case TestbedView.Base:
            {
                pixels = _preprocessor.ToChw(sample.Image);
                var geometry = _preprocessor.GeometryFor(sample.Image.Width, sample.Image.Height);
                toInput = geometry.ToInput;
                break;
            }
            case TestbedView.RandomZoom:
            {
                var rng = new TestbedRandom(_generator.SampleSeed(SplitOf(sample), IndexOf(sample)) ^ (0x9E3779B97F4A7C15UL * (salt + 1)));
                using var zoomed = ZoomAugmentation.RandomZoom(sample, rng, _generator.Options.InputSize, TokenPixels);
                pixels = _preprocessor.ToChw(zoomed.Image);
                var geometry = _preprocessor.GeometryFor(zoomed.Image.Width, zoomed.Image.Height);
                var crop = zoomed.CropBox;
                double sx = zoomed.Image.Width / crop.Width, sy = zoomed.Image.Height / crop.Height;
                toInput = b => geometry.ToInput(new PixelBox((b.X0 - crop.X0) * sx, (b.Y0 - crop.Y0) * sy, (b.X1 - crop.X0) * sx, (b.Y1 - crop.Y0) * sy));
                break;
            }
            default:
            {
                using var crop = ImageCrop.EvidenceView(sample.Image, sample.Question.Evidence, TokenPixels, out var used);
                pixels = _preprocessor.ToChw(crop);
                var geometry = _preprocessor.GeometryFor(crop.Width, crop.Height);
                toInput = b => geometry.ToInput(new PixelBox(b.X0 - used.X0, b.Y0 - used.Y0, b.X1 - used.X0, b.Y1 - used.Y0));
                break;
            }
        }
        return (pixels, toInput);
    }

    public TestbedExample Build(TestbedQuestion question, TestbedView view, float[] pixels)
    {
        var ids = _prompts.BuildIds(question.Text);
        var answer = IdOf(question.Answer, question.QuestionId);
        var choices = question.Choices.Select(c => IdOf(c, question.QuestionId)).ToArray();
        if (!choices.Contains(answer)) throw new InvalidDataException($"Question {question.QuestionId}: the answer '{question.Answer}' is not among its choices.");
        return new TestbedExample(question, view, pixels, ids, answer, choices);
    }

    private int IdOf(string word, string questionId)
    {
        var ids = _tokenizer.Encode(word, addBos: false);
        if (ids.Count != 1) throw new InvalidDataException($"Question {questionId}: answer '{word}' is not a single token of the model's vocabulary.");
        return ids[0];
    }

    /// <summary>The objects a frame-count question counts (its named shape inside the frame); empty for other questions.</summary>
    internal static IReadOnlyList<PixelBox> CountedObjects(TestbedSample sample)
    {
        if (sample.Question.Category != TestbedVocabulary.Count || sample.Scene.Region is not { Kind: SceneRegion.Frame } region) return [];
        var shape = TestbedVocabulary.Shapes.FirstOrDefault(s => TestbedVocabulary.CountInFrameQuestion(s) == sample.Question.Question);
        if (shape is null) return [];
        var frame = PixelBox.FromArray(region.Box);
        return sample.Scene.Objects.Where(o => o.Kind == shape && o.Size == TestbedVocabulary.Small && frame.Contains(o.PixelBox))
            .Select(o => o.PixelBox).ToArray();
    }

    private static TestbedSplit SplitOf(TestbedSample s) => TestbedSplitNames.Parse(s.Question.QuestionId.Split('_')[0]);
    private static int IndexOf(TestbedSample s) => int.Parse(s.Question.QuestionId.Split('_')[1], System.Globalization.CultureInfo.InvariantCulture);
}
