namespace Blink.Workbench.Performance;

/// <summary>
/// Resident memory of this process (Linux: VmRSS / VmHWM from /proc/self/status). The peak is resettable through
/// /proc/self/clear_refs so each measurement sees only what happened after <see cref="ResetPeak"/>. Elsewhere it falls
/// back to the process's working set, whose peak cannot be reset.
/// </summary>
public static class ProcessMemory
{
    public static bool IsAvailable => OperatingSystem.IsLinux() && File.Exists("/proc/self/status");

    /// <returns>False when the kernel refuses (the peak then covers the whole process lifetime).</returns>
    public static bool ResetPeak()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Peak resident set size in bytes since the last reset.</summary>
    public static long PeakBytes() => IsAvailable ? Field("VmHWM:") : System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;

    public static long CurrentBytes() => IsAvailable ? Field("VmRSS:") : System.Diagnostics.Process.GetCurrentProcess().WorkingSet64;

    private static long Field(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"/proc/self/status has no {name} line");
    }
}
