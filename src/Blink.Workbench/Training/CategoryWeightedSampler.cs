using Blink.Workbench.Data.Testbed;

namespace Blink.Workbench.Training;

/// <summary>
/// Draws training batches in which each question family has a chosen share (<see cref="BaseTrainingOptions.CategoryWeights"/>):
/// an example is drawn with probability proportional to its family's weight divided by the family's size in the pool,
/// so the shares hold whatever the pool's composition. Batch <c>s</c> depends only on the seed and <c>s</c> (draws are
/// with replacement), so a resumed run draws exactly the batches an uninterrupted one would.
/// </summary>
public sealed class CategoryWeightedSampler
{
    private readonly double[] _cumulative;
    private readonly ulong _seed;

    public CategoryWeightedSampler(IReadOnlyList<string> exampleCategories, IReadOnlyDictionary<string, double> weights, int seed)
    {
        if (exampleCategories.Count == 0) throw new ArgumentException("The pool is empty; there is nothing to sample.", nameof(exampleCategories));
        var sizes = exampleCategories.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        _cumulative = new double[exampleCategories.Count];
        var total = 0.0;
        for (var i = 0; i < exampleCategories.Count; i++)
        {
            var category = exampleCategories[i];
            total += weights.GetValueOrDefault(category, 1.0) / sizes[category];
            _cumulative[i] = total;
        }
        if (!(total > 0))
            throw new ArgumentException("Every category in the pool has weight 0; at least one must be positive.", nameof(weights));
        for (var i = 0; i < _cumulative.Length; i++) _cumulative[i] /= total;
        _seed = (ulong)(uint)seed;
    }

    /// <summary>Pool indices of the batch of step <paramref name="step"/>.</summary>
    public int[] Batch(int step, int batchSize)
    {
        var rng = new TestbedRandom(TestbedRandom.MixSeed(_seed, 0xCA7E_9041UL, (ulong)step));
        var picks = new int[batchSize];
        for (var k = 0; k < batchSize; k++)
        {
            var u = rng.NextDouble();
            var i = Array.BinarySearch(_cumulative, u);
            if (i < 0) i = ~i; // first index whose cumulative share exceeds u
            picks[k] = Math.Min(i, _cumulative.Length - 1);
        }
        return picks;
    }
}
