using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Training;

/// <summary>
/// Dense auxiliary targets for training the tiny model's vision tower from scratch: for every visual token, the kind
/// (shape or digit value) and colour of the small object whose centre falls in that token's cell, or "none". The
/// testbed knows every object's box, so this costs nothing; it teaches the tower to see small objects in a few hundred
/// steps instead of waiting for the question-answering loss alone to discover them. Used only while training the base
/// model (the head is not part of the checkpoint).
/// </summary>
public static class PatchLabels
{
    /// <summary>Class 0 is "no small object"; then the five shapes; then digits 0–9.</summary>
    public static int KindClasses => 1 + TestbedVocabulary.Shapes.Count + 10;

    /// <summary>Class 0 is "no small object"; then the palette.</summary>
    public static int ColorClasses => 1 + TestbedVocabulary.ColorNames.Count;

    public static int KindOf(SceneObject o)
    {
        if (o.Kind == TestbedVocabulary.DigitKind && int.TryParse(o.Label, out var d)) return 1 + TestbedVocabulary.Shapes.Count + d;
        var s = IndexOf(TestbedVocabulary.Shapes, o.Kind);
        return s < 0 ? 0 : 1 + s;
    }

    public static int ColorOf(SceneObject o)
    {
        var c = IndexOf(TestbedVocabulary.ColorNames, o.Color);
        return c < 0 ? 0 : 1 + c;
    }

    /// <summary>
    /// Labels for a view. <paramref name="toInput"/> maps original-image pixels to model-input pixels for this view
    /// (whole image: the preprocessing geometry; a zoom: crop offset, resize, then the geometry).
    /// </summary>
    public static (int[] Kind, int[] Color) For(TestbedScene scene, Func<PixelBox, PixelBox> toInput, int gridSize, int patchSize)
    {
        var kind = new int[gridSize * gridSize];
        var color = new int[gridSize * gridSize];
        foreach (var o in scene.Objects.Where(o => o.IsSmall))
        {
            var b = toInput(o.PixelBox);
            var col = (int)Math.Floor(b.CenterX / patchSize);
            var row = (int)Math.Floor(b.CenterY / patchSize);
            if (row < 0 || col < 0 || row >= gridSize || col >= gridSize) continue;
            var i = row * gridSize + col;
            if (kind[i] != 0) continue; // first object wins; two small objects rarely share a cell
            kind[i] = KindOf(o);
            color[i] = ColorOf(o);
        }
        return (kind, color);
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
