namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// Resident memory of this process from <c>/proc/self/status</c> (Linux). The peak (VmHWM) is reset through
/// <c>/proc/self/clear_refs</c> so a measurement sees only what happened after <see cref="ResetPeak"/>.
/// </summary>
internal static class ProcessMemory
{
    public static bool IsAvailable => OperatingSystem.IsLinux() && File.Exists("/proc/self/status");

    public static long ResidentBytes => Field("VmRSS:");

    public static long PeakResidentBytes => Field("VmHWM:");

    /// <returns>False when the kernel refuses (then the peak covers the whole process lifetime).</returns>
    public static bool ResetPeak()
    {
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

    private static long Field(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var kb = long.Parse(line[name.Length..].Trim().Split(' ')[0]);
            return kb * 1024;
        }
        throw new InvalidOperationException($"/proc/self/status has no {name} line");
    }
}
