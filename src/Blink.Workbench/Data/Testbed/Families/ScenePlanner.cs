using Blink.Workbench.Imaging;

namespace Blink.Workbench.Data.Testbed;

/// <summary>What a question family decides about one scene: its objects, question, answer and evidence (no drawing).</summary>
internal sealed class ScenePlan
{
    public List<SceneObject> Small { get; } = [];
    public List<SceneObject> Large { get; } = [];
    public SceneRegion? Region { get; set; }
    public string Question { get; set; } = "";
    public string Answer { get; set; } = "";
    public PixelBox Evidence { get; set; }
}

/// <summary>One layout attempt of a scene: the plan being filled, the free space, the random stream and the placement rules.</summary>
internal sealed class ScenePlanner(TestbedGenerator generator, ScenePlan plan, SceneLayout layout, TestbedRandom rng)
{
    public TestbedOptions Options => generator.Options;
    public ScenePlan Plan => plan;
    public SceneLayout Layout => layout;
    public TestbedRandom Rng => rng;

    public PixelBox RandomArea(double tokens) => generator.RandomArea(rng, tokens);
    public int ShapeSide() => generator.ShapeSide(rng);
    public int CountSide() => generator.CountSide(rng);

    public PixelBox? PlaceSmall(string shape, string color, PixelBox area, Func<PixelBox, bool>? accept = null, int? side = null) =>
        generator.PlaceSmall(plan, layout, rng, shape, color, area, accept, side);

    public bool PlaceCountPair(string shape, PixelBox area) => generator.PlaceCountPair(plan, layout, rng, shape, area);

    public PixelBox? PlaceDigit(int digit, string color) => generator.PlaceDigit(plan, layout, rng, digit, color);

    public (PixelBox A, PixelBox B)? PlacePair((string Color, string Shape) a, (string Color, string Shape) b, string relation, bool holds) =>
        generator.PlacePair(plan, layout, rng, a, b, relation, holds);

    public PixelBox[]? PlaceFlanked((string Color, string Shape) reference, string shape, string near, string far, string relation) =>
        generator.PlaceFlanked(plan, layout, rng, reference, shape, near, far, relation);
}
