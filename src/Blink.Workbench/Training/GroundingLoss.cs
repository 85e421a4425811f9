using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// An optional training signal for localisation (<see cref="BaseTrainingOptions.GroundingLossWeight"/>): at the chosen
/// decoder layers, the last prompt token's attention over the visual tokens (head mean, renormalised over the image)
/// is pulled towards the question's evidence box — cross-entropy against the share of each visual token the box covers.
/// The testbed records the box of every question; this turns it into the supervision that tells a from-scratch model
/// where to look, which answer tokens alone teach too slowly on whole images (docs/findings.md).
/// </summary>
public static class GroundingLoss
{
    /// <summary>Share of each visual token (row-major grid) covered by <paramref name="inputBox"/> (input pixels); sums to 1 unless the box misses the image (then all 0).</summary>
    public static float[] EvidenceMask(PixelBox inputBox, int gridSize, int patchSize) => Normalised(Coverage(inputBox, gridSize, patchSize));

    /// <summary>
    /// Share of each visual token covered by the union of <paramref name="inputBoxes"/> (boxes weighted by area, so
    /// each object pulls in proportion to its size); sums to 1 unless all boxes miss the image (then all 0).
    /// </summary>
    public static float[] MaskOfBoxes(IEnumerable<PixelBox> inputBoxes, int gridSize, int patchSize)
    {
        var sum = new double[gridSize * gridSize];
        foreach (var box in inputBoxes)
        {
            var area = Coverage(box, gridSize, patchSize);
            for (var i = 0; i < sum.Length; i++) sum[i] += area[i];
        }
        return Normalised(sum);
    }

    /// <summary>Pixel area of <paramref name="inputBox"/> inside each token of the grid.</summary>
    private static double[] Coverage(PixelBox inputBox, int gridSize, int patchSize)
    {
        var area = new double[gridSize * gridSize];
        for (var r = 0; r < gridSize; r++)
            for (var c = 0; c < gridSize; c++)
            {
                var w = Math.Min(inputBox.X1, (c + 1) * patchSize) - Math.Max(inputBox.X0, c * patchSize);
                var h = Math.Min(inputBox.Y1, (r + 1) * patchSize) - Math.Max(inputBox.Y0, r * patchSize);
                area[r * gridSize + c] = Math.Max(0, w) * Math.Max(0, h);
            }
        return area;
    }

    /// <summary>
    /// Areas divided by their total. Each area passes through float before the division (the total does not), as the
    /// masks were always computed: the committed model's training reproduces bit for bit only with the same masks.
    /// </summary>
    private static float[] Normalised(double[] area)
    {
        double total = 0;
        foreach (var a in area) total += a;
        var mask = new float[area.Length];
        for (var i = 0; i < area.Length; i++) mask[i] = total > 0 ? (float)((float)area[i] / total) : 0f;
        return mask;
    }

    /// <summary>
    /// Mean over batch rows with a target of −Σ target · log p, where p is the head-mean attention of each row's
    /// selected query row over the image keys, renormalised to sum to 1.
    /// </summary>
    /// <param name="rowProbabilities">[B, H, R, Tk] attention rows (softmax), with gradients.</param>
    /// <param name="rowOfExample">For each batch row, which of the R observed rows is its last prompt token.</param>
    /// <param name="targets">[B, N] evidence masks (rows of zeros are skipped).</param>
    public static Tensor Compute(Tensor rowProbabilities, int[] rowOfExample, int imageStart, int imageLength, Tensor targets)
    {
        using var scope = NewDisposeScope();
        long b = rowProbabilities.shape[0], r = rowProbabilities.shape[2];
        if (rowOfExample.Length != b) throw new ArgumentException($"{rowOfExample.Length} row choices for a batch of {b}.");
        var select = new float[b * r];
        for (var i = 0; i < b; i++) select[i * r + rowOfExample[i]] = 1f;
        var pick = torch.tensor(select, [b, r], device: rowProbabilities.device);
        var rows = torch.einsum("bhrt,br->bht", rowProbabilities, pick);                  // [B, H, Tk]
        var image = rows.narrow(-1, imageStart, imageLength).mean([1L]);                 // [B, N]
        var p = image / image.sum(-1, keepdim: true).ClampMin(1e-12);
        var perRow = -(targets * p.Plus(1e-8).log()).sum(-1);                              // [B]
        var has = targets.sum(-1).Greater(0).to(perRow.dtype);
        return ((perRow * has).sum() / has.sum().ClampMin(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Asks the chosen layers for the batch's last-prompt rows and accumulates the loss as the forward runs.</summary>
    internal sealed class Observer(IReadOnlyCollection<int> layers, long[] lastPromptIndex, Tensor targets) : IDecoderInterceptor
    {
        private readonly int[] _rows = lastPromptIndex.Select(i => (int)i).Distinct().Order().ToArray();
        private int[]? _choice;
        private readonly List<Tensor> _terms = [];

        public AttentionRequest BeforeLayer(int layer, DecoderState state) =>
            state.IsPrefill && layers.Contains(layer) ? AttentionRequest.Rows(_rows) : AttentionRequest.None;

        public void AfterLayer(int layer, DecoderState state, AttentionObservation observation)
        {
            if (!state.IsPrefill || !layers.Contains(layer) || observation.RowProbabilities is null || state.Layout is null) return;
            _choice ??= lastPromptIndex.Select(i => Array.IndexOf(_rows, (int)i)).ToArray();
            // The decoder disposes observations after this call and the term after its forward: keep it outside both scopes.
            _terms.Add(Compute(observation.RowProbabilities, _choice, state.Layout.ImageStart, state.Layout.ImageLength, targets).DetachFromDisposeScope());
        }

        /// <summary>The mean over layers (owned by the caller's scope), and the per-layer terms released.</summary>
        public Tensor Loss()
        {
            if (_terms.Count == 0) throw new InvalidOperationException("No grounding layer reported attention rows.");
            var sum = _terms[0];
            for (var i = 1; i < _terms.Count; i++) sum = sum.Plus(_terms[i]);
            var mean = sum.DividedBy(_terms.Count);
            foreach (var t in _terms) t.Dispose();
            _terms.Clear();
            return mean;
        }
    }
}
