namespace Blink.Workbench.Performance;

/// <summary>One timed run of a benchmark case: its wall time and what it processed.</summary>
/// <param name="Milliseconds">Wall time of the run (NaN when the run could not be made, e.g. a peer process died).</param>
/// <param name="TokensProcessed">Tokens processed summed over decoder layers (0 when not applicable).</param>
/// <param name="PeakBytes">Peak resident memory seen during the run (0 when not measured).</param>
public sealed record RunSample(double Milliseconds, long TokensProcessed = 0, long PeakBytes = 0);

/// <summary>Something a benchmark round runs once: a name and a run that times itself.</summary>
public sealed record BenchCase(string Name, Func<RunSample> Run);

/// <summary>
/// Interleaved repeats. Every round runs every case once, in an order rotated by one place per round, so slow drift of
/// the machine (thermal state, other jobs: ±8% over minutes on a shared 2-core box) lands inside each round on all
/// cases alike instead of between cases measured in separate blocks. Sample i of every returned measurement belongs to
/// round i, which is what makes per-round ratios to a baseline paired (<see cref="PairedStatistics"/>).
/// </summary>
public static class InterleavedRounds
{
    /// <param name="cases">The cases; the first is usually the baseline the others are compared with.</param>
    /// <param name="warmupRounds">Untimed rounds first (same rotation), so every case is warm before timing.</param>
    /// <param name="rounds">Timed rounds (≥ 1).</param>
    /// <param name="progress">Called after every round with a short status line.</param>
    /// <param name="pause">
    /// Idle time before every run, so thread pools of the previous run (BLAS workers spin for up to ~0.1 s after their
    /// last job, possibly in another process such as the PyTorch peer) are asleep before the next clock starts.
    /// </param>
    public static IReadOnlyList<Measurement> Run(IReadOnlyList<BenchCase> cases, int warmupRounds, int rounds, Action<string>? progress = null, TimeSpan pause = default)
    {
        if (cases.Count == 0) throw new ArgumentException("Nothing to measure: no cases.", nameof(cases));
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), $"Rounds must be ≥ 1, got {rounds}.");
        if (warmupRounds < 0) throw new ArgumentOutOfRangeException(nameof(warmupRounds), $"Warm-up rounds must be ≥ 0, got {warmupRounds}.");
        var n = cases.Count;
        var samples = new double[n][];
        var tokens = new long[n];
        var peaks = new long[n];
        for (var i = 0; i < n; i++) samples[i] = new double[rounds];
        for (var r = -warmupRounds; r < rounds; r++)
        {
            foreach (var i in Order(r, n))
            {
                if (pause > TimeSpan.Zero) Thread.Sleep(pause);
                var run = cases[i].Run();
                if (r < 0) continue;
                samples[i][r] = run.Milliseconds;
                tokens[i] = run.TokensProcessed;
                peaks[i] = Math.Max(peaks[i], run.PeakBytes);
            }
            progress?.Invoke(r < 0 ? $"warm-up round {r + warmupRounds + 1}/{warmupRounds}" : $"round {r + 1}/{rounds}");
        }
        return Enumerable.Range(0, n).Select(i => new Measurement(cases[i].Name, samples[i], tokens[i], peaks[i])).ToArray();
    }

    /// <summary>The order of the cases in a round: 0‥n−1 rotated left by the round number (warm-up rounds are negative).</summary>
    public static int[] Order(int round, int count)
    {
        var shift = ((round % count) + count) % count;
        return Enumerable.Range(0, count).Select(j => (j + shift) % count).ToArray();
    }
}
