namespace Blink.Workbench.Performance;

/// <summary>
/// Peak resident memory over a stretch of work: the kernel's resettable high-water mark where it allows a reset, and
/// in any case a 1 ms sampling of the current RSS (which alone would miss spikes shorter than a millisecond).
/// Start it just before the work, <see cref="Stop"/> right after.
/// </summary>
public sealed class PeakMemorySampler
{
    private readonly Thread _thread;
    private long _sampledPeak;
    private volatile bool _sampling = true;

    private PeakMemorySampler()
    {
        BeforeBytes = ProcessMemory.CurrentBytes();
        PeakWasReset = ProcessMemory.ResetPeak();
        _sampledPeak = BeforeBytes;
        _thread = new Thread(() =>
        {
            while (_sampling)
            {
                _sampledPeak = Math.Max(_sampledPeak, ProcessMemory.CurrentBytes());
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public static PeakMemorySampler Start() => new();

    /// <summary>Resident bytes when sampling started.</summary>
    public long BeforeBytes { get; }

    /// <summary>Whether the kernel's high-water mark was reset (else only the sampling counts).</summary>
    public bool PeakWasReset { get; }

    /// <summary>Stops sampling and returns the peak resident bytes seen since <see cref="Start"/>.</summary>
    public long Stop()
    {
        _sampling = false;
        _thread.Join();
        return PeakWasReset ? Math.Max(ProcessMemory.PeakBytes(), _sampledPeak) : _sampledPeak;
    }
}
