using System.Collections.Concurrent;
using Blink.Workbench.Data.Testbed;

namespace Blink.Workbench.Training;

/// <summary>
/// Pre-rendered training examples. Rendering a scene and resampling it costs about ten times a training step of the
/// tiny model, so each (sample, view, variant) is made once — in parallel — and reused across epochs.
/// </summary>
public sealed class ExamplePool
{
    private readonly TestbedExample[] _examples;

    private ExamplePool(TestbedExample[] examples) => _examples = examples;

    public int Count => _examples.Length;
    public TestbedExample this[int i] => _examples[i];

    /// <summary>
    /// Samples 0..samples−1 of a split; each gets one base view, the tight evidence crop when
    /// <paramref name="evidenceView"/>, and <paramref name="zoomVariants"/> random zooms.
    /// </summary>
    public static ExamplePool Build(TestbedExampleSource source, TestbedSplit split, int samples, int zoomVariants, Action<int, int>? progress = null,
        CancellationToken ct = default, bool evidenceView = false)
    {
        var extra = evidenceView ? 1 : 0;
        var perSample = 1 + extra + zoomVariants;
        var examples = new TestbedExample[samples * perSample];
        var done = 0;
        Parallel.ForEach(Partitioner.Create(0, samples, 64), new ParallelOptions { CancellationToken = ct }, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                using var sample = source.Generator.Generate(split, i);
                examples[i * perSample] = source.Create(sample, TestbedView.Base);
                if (evidenceView) examples[i * perSample + 1] = source.Create(sample, TestbedView.EvidenceCrop);
                for (var z = 0; z < zoomVariants; z++)
                    examples[i * perSample + 1 + extra + z] = source.Create(sample, TestbedView.RandomZoom, (ulong)z);
                var n = Interlocked.Increment(ref done);
                if (n % 200 == 0 || n == samples) progress?.Invoke(n, samples);
            }
        });
        return new ExamplePool(examples);
    }

    /// <summary>Examples of a split in one view, in index order (evaluation sets).</summary>
    public static ExamplePool Views(TestbedExampleSource source, TestbedSplit split, int start, int count, TestbedView view)
    {
        var examples = new TestbedExample[count];
        Parallel.For(0, count, i => examples[i] = source.Create(split, start + i, view));
        return new ExamplePool(examples);
    }

    public IReadOnlyList<TestbedExample> All => _examples;
}
