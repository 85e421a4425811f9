using SkiaSharp;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// Everything the testbed can say: categories, colours, shapes, relations, question templates and answer sets.
/// The word tokenizer's vocabulary is derived from here (<see cref="AllTexts"/>), so a new template word can never be
/// an unknown token.
/// </summary>
public static class TestbedVocabulary
{
    /// <summary>The testbed tokenizer: all question templates, answers, the prompt words and the short-answer suffix.</summary>
    public static Text.WordTokenizer Tokenizer() => Text.WordTokenizer.FromTexts(AllTexts());

    public const string Existence = "existence";
    public const string Color = "color";
    public const string Shape = "shape";
    public const string Count = "count";
    public const string Digit = "digit";
    public const string Position = "position";

    /// <summary>The question families, in the round-robin order the generator uses.</summary>
    public static IReadOnlyList<string> Categories { get; } = [Existence, Color, Shape, Count, Digit, Position];

    /// <summary>LLaVA's short-answer instruction, appended to every question text (as in its POPE/MME question files).</summary>
    public const string ShortAnswerSuffix = "Answer the question using a single word or phrase.";

    /// <summary>Words of the chat template the prompt builder wraps questions in.</summary>
    public static IReadOnlyList<string> PromptTemplateWords { get; } = ["user", "assistant", ":"];

    /// <summary>Saturated, well-separated hues; drawn with a dark outline so yellow survives light backgrounds.</summary>
    public static IReadOnlyList<(string Name, SKColor Rgb)> Colors { get; } =
    [
        ("red", new SKColor(220, 38, 38)),
        ("orange", new SKColor(245, 140, 20)),
        ("yellow", new SKColor(245, 220, 30)),
        ("green", new SKColor(40, 170, 60)),
        ("blue", new SKColor(40, 90, 225)),
        ("purple", new SKColor(150, 60, 200)),
    ];

    public static IReadOnlyList<string> ColorNames { get; } = Colors.Select(c => c.Name).ToArray();

    public static IReadOnlyList<string> Shapes { get; } = ["circle", "square", "triangle", "cross", "star"];

    public static string Plural(string shape) => shape switch
    {
        "cross" => "crosses",
        _ => shape + "s",
    };

    public const string DigitKind = "digit";
    public const string Small = "small";
    public const string Large = "large";
    public const string MutedColor = "muted";

    public static IReadOnlyList<string> Relations { get; } = ["left", "right", "above", "below"];

    /// <summary>Values of <see cref="TestbedOptions.PositionForm"/>.</summary>
    public const string PositionYesNo = "yes-no";
    public const string PositionWhichColor = "which-color";
    public static IReadOnlyList<string> PositionForms { get; } = [PositionYesNo, PositionWhichColor];

    public static IReadOnlyList<string> Quadrants { get; } = ["top left", "top right", "bottom left", "bottom right"];

    public static IReadOnlyList<string> YesNo { get; } = ["yes", "no"];

    public static IReadOnlyList<string> DigitAnswers { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    public static SKColor Rgb(string colorName)
    {
        foreach (var (name, rgb) in Colors)
            if (name == colorName)
                return rgb;
        throw new ArgumentException($"Unknown testbed colour '{colorName}'.", nameof(colorName));
    }

    /// <summary>The closed answer set of a category (<c>choices</c> in question files).</summary>
    public static IReadOnlyList<string> Choices(string category, int countMax = 4, string positionForm = PositionWhichColor) => category switch
    {
        Position when positionForm == PositionWhichColor => ColorNames,
        Existence or Position => YesNo,
        Color => ColorNames,
        Shape => Shapes,
        Count => DigitAnswers.Take(countMax + 1).ToArray(),
        Digit => DigitAnswers,
        _ => throw new ArgumentException($"Unknown testbed category '{category}'; known: {string.Join(", ", Categories)}.", nameof(category)),
    };

    public static string ExistenceQuestion(string color, string shape) => $"Is there a small {color} {shape} in the image?";
    public static string ColorQuestion(string shape) => $"What color is the small {shape}?";
    public static string ShapeQuestion(string color) => $"What shape is the small {color} object?";
    public static string CountInFrameQuestion(string shape) => $"How many small {Plural(shape)} are inside the white frame?";
    public static string CountInQuadrantQuestion(string shape, string quadrant) => $"How many small {Plural(shape)} are in the {quadrant} quadrant?";
    public static string DigitQuestion(string color) => $"What digit is shown in {color}?";

    public static string PositionQuestion(string colorA, string shapeA, string relation, string colorB, string shapeB) =>
        $"Is the small {colorA} {shapeA} {RelationPhrase(relation)} the small {colorB} {shapeB}?";

    /// <summary>The <see cref="PositionWhichColor"/> form: the colour of the item of one shape on one side of another.</summary>
    public static string PositionColorQuestion(string shape, string relation, string referenceShape) =>
        $"What color is the small {shape} {RelationPhrase(relation)} the small {referenceShape}?";

    private static string RelationPhrase(string relation) => relation switch
    {
        "left" => "to the left of",
        "right" => "to the right of",
        "above" => "above",
        "below" => "below",
        _ => throw new ArgumentException($"Unknown relation '{relation}'.", nameof(relation)),
    };

    /// <summary>The two objects and the relation of a position question (as <see cref="PositionQuestion"/> writes it).</summary>
    public sealed record PositionParts(string ColorA, string ShapeA, string Relation, string ColorB, string ShapeB);

    private static readonly Lazy<Dictionary<string, PositionParts>> PositionQuestions = new(() =>
        (from ca in ColorNames from sa in Shapes from r in Relations from cb in ColorNames from sb in Shapes
         select new PositionParts(ca, sa, r, cb, sb)).ToDictionary(p => PositionQuestion(p.ColorA, p.ShapeA, p.Relation, p.ColorB, p.ShapeB)));

    /// <summary>Reads back a position question (without the short-answer suffix); null when it is not one.</summary>
    public static PositionParts? ParsePositionQuestion(string question) =>
        PositionQuestions.Value.GetValueOrDefault(question);

    /// <summary>The asked shape, the relation and the reference shape of a <see cref="PositionWhichColor"/> question.</summary>
    public sealed record PositionColorParts(string Shape, string Relation, string ReferenceShape);

    private static readonly Lazy<Dictionary<string, PositionColorParts>> PositionColorQuestions = new(() =>
        (from s in Shapes from r in Relations from reference in Shapes
         select new PositionColorParts(s, r, reference)).ToDictionary(p => PositionColorQuestion(p.Shape, p.Relation, p.ReferenceShape)));

    /// <summary>Reads back a <see cref="PositionWhichColor"/> question (without the short-answer suffix); null when it is not one.</summary>
    public static PositionColorParts? ParsePositionColorQuestion(string question) =>
        PositionColorQuestions.Value.GetValueOrDefault(question);

    /// <summary>Question text as written to question files: the question, a newline, the short-answer suffix.</summary>
    public static string WithSuffix(string question) => question + "\n" + ShortAnswerSuffix;

    /// <summary>
    /// Every text the testbed can produce (all template instantiations, all answers, the prompt words, the suffix);
    /// the word tokenizer's vocabulary is exactly the tokens of these.
    /// </summary>
    public static IEnumerable<string> AllTexts()
    {
        yield return ShortAnswerSuffix;
        foreach (var w in PromptTemplateWords) yield return w;
        foreach (var w in YesNo.Concat(ColorNames).Concat(Shapes).Concat(DigitAnswers)) yield return w;
        foreach (var color in ColorNames)
        {
            yield return ShapeQuestion(color);
            yield return DigitQuestion(color);
            foreach (var shape in Shapes)
            {
                yield return ExistenceQuestion(color, shape);
                foreach (var relation in Relations)
                    yield return PositionQuestion(color, shape, relation, color, shape);
            }
        }
        foreach (var shape in Shapes)
        {
            yield return ColorQuestion(shape);
            yield return CountInFrameQuestion(shape);
            foreach (var quadrant in Quadrants)
                yield return CountInQuadrantQuestion(shape, quadrant);
        }
        // Last, so that earlier tokens keep their ids (this form uses no new word today).
        foreach (var shape in Shapes)
            foreach (var relation in Relations)
                yield return PositionColorQuestion(shape, relation, shape);
    }
}
