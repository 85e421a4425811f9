using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

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
    /// (whole image: the preprocessing geometry; a zoom: crop offset, resize, then the geometry). Without
    /// <paramref name="cover"/> an object labels only the token under its centre; with it, every token it covers by at
    /// least that share of the smaller of the two (the object, or the token), so that an object straddling a token
    /// border, or spread over several tokens by a zoom, is not labelled "none" on the tokens that show most of it.
    /// Where two objects meet in one token the larger overlap wins.
    /// </summary>
    public static (int[] Kind, int[] Color) For(TestbedScene scene, Func<PixelBox, PixelBox> toInput, int gridSize, int patchSize, double? cover = null)
    {
        var kind = new int[gridSize * gridSize];
        var color = new int[gridSize * gridSize];
        var best = cover is null ? null : new double[gridSize * gridSize];
        foreach (var o in scene.Objects.Where(o => o.IsSmall))
        {
            var b = toInput(o.PixelBox);
            if (best is null)
            {
                var col = (int)Math.Floor(b.CenterX / patchSize);
                var row = (int)Math.Floor(b.CenterY / patchSize);
                if (row < 0 || col < 0 || row >= gridSize || col >= gridSize) continue;
                var i = row * gridSize + col;
                if (kind[i] != 0) continue; // first object wins; two small objects rarely share a cell
                kind[i] = KindOf(o);
                color[i] = ColorOf(o);
                continue;
            }
            var area = Math.Max(b.Width * b.Height, 1e-9);
            var least = Math.Min(area, (double)patchSize * patchSize);
            for (var row = Math.Max(0, (int)Math.Floor(b.Y0 / patchSize)); row <= Math.Min(gridSize - 1, (int)Math.Floor(b.Y1 / patchSize)); row++)
            for (var col = Math.Max(0, (int)Math.Floor(b.X0 / patchSize)); col <= Math.Min(gridSize - 1, (int)Math.Floor(b.X1 / patchSize)); col++)
            {
                var w = Math.Min(b.X1, (col + 1) * patchSize) - Math.Max(b.X0, col * patchSize);
                var h = Math.Min(b.Y1, (row + 1) * patchSize) - Math.Max(b.Y0, row * patchSize);
                if (w <= 0 || h <= 0) continue;
                var share = w * h / least;
                var i = row * gridSize + col;
                if (share < cover || share <= best[i]) continue;
                best[i] = share;
                kind[i] = KindOf(o);
                color[i] = ColorOf(o);
            }
        }
        return (kind, color);
    }

    /// <summary>
    /// How well the per-token head names the kind of the small object in each token that holds one, per group: "shape"
    /// (the five shapes) and "digit" (the ten digit values). On whole images this says whether the tower sees a
    /// small object's shape or digit at the base resolution at all — the features every whole-image answer is read from.
    /// </summary>
    public static IReadOnlyDictionary<string, double> KindAccuracy(LlavaForConditionalGeneration model, nn.Module<Tensor, Tensor> head,
        IReadOnlyList<TestbedExample> examples, int batchSize = 64)
    {
        var (hits, rows) = (new double[2], new double[2]);
        using var noGrad = torch.no_grad();
        for (var start = 0; start < examples.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = examples.Skip(start).Take(batchSize).ToArray();
            using var batch = TestbedBatch.Create(chunk, padId: 0, eosId: 0, withAnswer: false, model.Device);
            var predicted = head.forward(model.GetImageFeatures(batch.Pixels)).narrow(-1, 0, KindClasses).argmax(-1).cpu().data<long>().ToArray();
            var labels = chunk.SelectMany(e => e.PatchKinds ?? throw new ArgumentException("examples need patch labels", nameof(examples))).ToArray();
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] == 0) continue;
                var group = labels[i] <= TestbedVocabulary.Shapes.Count ? 0 : 1;
                rows[group]++;
                if (predicted[i] == labels[i]) hits[group]++;
            }
        }
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (rows[0] > 0) result[TestbedVocabulary.Shape] = hits[0] / rows[0];
        if (rows[1] > 0) result[TestbedVocabulary.Digit] = hits[1] / rows[1];
        return result;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
