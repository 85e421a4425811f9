namespace Blink.Workbench.Performance;

/// <summary>
/// Peak resident memory of this process (Linux VmHWM), resettable through /proc/self/clear_refs so each measured
/// method gets its own peak. Elsewhere falls back to the managed peak working set, which cannot be reset.
/// </summary>
public static class ProcessMemory
{
    public static bool CanReset => OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    public static void ResetPeak()
    {
        if (!CanReset) return;
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Peak resident set size in bytes since the last reset.</summary>
    public static long PeakBytes()
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        return System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
    }

    public static long CurrentBytes()
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        return System.Diagnostics.Process.GetCurrentProcess().WorkingSet64;
    }
}
