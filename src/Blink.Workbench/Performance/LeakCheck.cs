using TorchSharp;

namespace Blink.Workbench.Performance;

/// <summary>
/// Tensor bookkeeping of TorchSharp's dispose scopes around repeated runs of one workload: live tensors on this thread
/// before and after, and how many were created and disposed meanwhile. A workload that leaks leaves the live count
/// higher after than before (drift &gt; 0).
/// </summary>
public sealed record LeakCheckResult(string Name, int Runs, long LiveBefore, long LiveAfter, long Created, long Disposed)
{
    public long Drift => LiveAfter - LiveBefore;

    /// <summary>
    /// Runs <paramref name="workload"/> a few times untimed (so caches such as rotary tables exist), then
    /// <paramref name="runs"/> times while reading <see cref="DisposeScopeManager.Statistics"/> before and after.
    /// </summary>
    public static LeakCheckResult Measure(string name, Action workload, int runs, int warmup = 3)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), $"Runs must be ≥ 1, got {runs}.");
        for (var i = 0; i < warmup; i++) workload();
        var stats = DisposeScopeManager.Statistics;
        var (live, created, disposed) = Read(stats);
        for (var i = 0; i < runs; i++) workload();
        var (liveAfter, createdAfter, disposedAfter) = Read(stats);
        return new LeakCheckResult(name, runs, live, liveAfter, createdAfter - created, disposedAfter - disposed);
    }

    private static (long Live, long Created, long Disposed) Read(ThreadDisposeScopeStatistics s) =>
        (s.ThreadTotalLiveCount, s.CreatedInScopeCount + s.CreatedOutsideScopeCount, s.DisposedInScopeCount + s.DisposedOutsideScopeCount);
}
