using System.Runtime;

namespace Blink.Workbench.Performance;

/// <summary>
/// A background thread that keeps the garbage collector busy while the model runs on another thread, the way a
/// notebook kernel's own threads do: it allocates short- and long-lived arrays and asks for collections of every
/// generation (non-blocking gen-2 requests start background GCs when concurrent GC is on). A GC then lands while the
/// model thread is inside a native libtorch call, which is when an object whose only reference was the native handle
/// of that call can be finalized under it.
/// </summary>
public sealed class GcPressure : IDisposable
{
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _requests;

    public GcPressure(int seed = 0)
    {
        _thread = new Thread(() => Run(seed, _stop.Token)) { IsBackground = true, Name = "gc-pressure", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>Collections this thread asked for so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    private void Run(int seed, CancellationToken stop)
    {
        var rng = new Random(seed);
        var survivors = new object[256];
        var step = 0L;
        while (!stop.IsCancellationRequested)
        {
            // Mostly small arrays that die at once, some kept in a ring so gen 1 and gen 2 fill up too.
            var array = new byte[rng.Next(256, 64 * 1024)];
            if ((step & 7) == 0) survivors[rng.Next(survivors.Length)] = array;
            step++;
            if (step % 2_000 == 0)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                Interlocked.Increment(ref _requests);
            }
            if (step % 20_000 == 0)
            {
                // Blocking: false lets the runtime run it as a background GC where concurrent GC is enabled.
                GC.Collect(2, GCCollectionMode.Forced, blocking: false);
                Interlocked.Increment(ref _requests);
            }
            if (step % 64 == 0) Thread.Yield();
        }
        GC.KeepAlive(survivors);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    /// <summary>The process's GC mode in words: workstation/server, concurrent (background) on or off.</summary>
    public static string Describe() =>
        $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, concurrent {(IsConcurrent ? "on" : "off")} (latency mode {GCSettings.LatencyMode})";

    /// <summary>
    /// Whether background (concurrent) GC is enabled: the runtime's <c>System.GC.Concurrent</c> setting (runtimeconfig,
    /// MSBuild's ConcurrentGarbageCollection), overridden by the <c>DOTNET_gcConcurrent</c> environment variable.
    /// </summary>
    public static bool IsConcurrent
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("DOTNET_gcConcurrent") ?? Environment.GetEnvironmentVariable("COMPlus_gcConcurrent");
            if (env is not null) return env.Trim() != "0";
            // runtimeconfig.json values arrive as strings ("false"), settings made in code as bool.
            return AppContext.GetData("System.GC.Concurrent") switch
            {
                bool b => b,
                string text => !bool.TryParse(text, out var b) || b,
                _ => true,
            };
        }
    }
}
