using System.Diagnostics;
using Blink.Workbench.IO;
using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Performance;

/// <summary>
/// Peak resident-memory growth of loading a checkpoint with the frugal meta-device loader (<see cref="LlavaWeights"/>),
/// against the bound it promises: the checkpoint's own size plus one tensor. Meant to run in a fresh process (the
/// bench starts a child), so nothing else the process did is counted.
/// </summary>
/// <param name="FileBytes">Size of the checkpoint's safetensors files.</param>
/// <param name="LargestTensorBytes">The largest tensor as stored.</param>
/// <param name="ModelBytes">The loaded weights' size in the load dtype.</param>
/// <param name="RssBeforeBytes">Resident memory before loading (after the warm-up).</param>
/// <param name="PeakGrowthBytes">Peak resident memory during the load minus <paramref name="RssBeforeBytes"/>.</param>
/// <param name="GrowthAfterBytes">Resident memory after the load minus <paramref name="RssBeforeBytes"/>.</param>
/// <param name="PeakSource">How the peak was read (VmHWM after clear_refs, or 1 ms sampling).</param>
public sealed record CheckpointLoadResult(long FileBytes, long LargestTensorBytes, long ModelBytes, long RssBeforeBytes, long PeakGrowthBytes,
    long GrowthAfterBytes, double Seconds, string DType, string PeakSource)
{
    /// <summary>The promise: the loaded model plus one staged tensor (the checkpoint's size plus one tensor when loaded in its stored dtype).</summary>
    public long BoundBytes => ModelBytes + LargestTensorBytes;

    public bool WithinBound => PeakGrowthBytes <= BoundBytes;

    /// <summary>Loads <paramref name="folder"/> (config.json + safetensors) on the CPU in <paramref name="dtype"/> and measures.</summary>
    /// <param name="warmupFolder">A small model folder loaded first, so libtorch's start-up and allocator arenas are not counted as the loader's growth.</param>
    public static CheckpointLoadResult Measure(string folder, ScalarType dtype, string? warmupFolder = null)
    {
        if (!ProcessMemory.IsAvailable) throw new PlatformNotSupportedException("Resident memory is read from /proc/self/status (Linux only).");
        var config = LlavaConfig.FromFile(Path.Combine(folder, "config.json"));
        long fileBytes, largest, elements;
        using (var checkpoint = SafetensorsCheckpoint.Open(folder))
        {
            var entries = checkpoint.Keys.Select(checkpoint.GetEntry).ToArray();
            fileBytes = checkpoint.Files.Sum(f => new FileInfo(f.FilePath).Length);
            largest = entries.Max(e => e.ByteLength);
            elements = entries.Sum(e => e.ElementCount);
        }
        if (warmupFolder is not null) using (LlavaWeights.Load(warmupFolder, LlavaConfig.FromFile(Path.Combine(warmupFolder, "config.json")), torch.CPU, dtype)) { }
        using (torch.zeros(1024, dtype: dtype)) { }
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var sampler = PeakMemorySampler.Start();
        var before = sampler.BeforeBytes;
        var peakWasReset = sampler.PeakWasReset;
        var clock = Stopwatch.StartNew();
        using var model = LlavaWeights.Load(folder, config, torch.CPU, dtype);
        clock.Stop();
        var peak = sampler.Stop();
        var after = ProcessMemory.CurrentBytes();
        var elementSize = dtype switch { ScalarType.Float16 or ScalarType.BFloat16 => 2, ScalarType.Float32 => 4, _ => 8 };
        return new CheckpointLoadResult(fileBytes, largest, elements * elementSize, before, peak - before, after - before, clock.Elapsed.TotalSeconds,
            dtype.ToString(), peakWasReset ? "VmHWM after clear_refs, and 1 ms sampling" : "1 ms sampling of VmRSS");
    }
}
