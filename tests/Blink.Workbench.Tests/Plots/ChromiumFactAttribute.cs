using Blink.Workbench.Tests.Browser;
using System.Diagnostics;
using Blink.Workbench.Reporting;

namespace Blink.Workbench.Tests.Plots;

/// <summary>
/// A fact that needs headless Chromium. If none is found it runs eng/ensure-chromium.sh once (installs Debian's
/// chromium when running as root); only when that fails too is the test skipped, with the script's reason.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> SkipReason = new(FindOrInstall);

    /// <summary>Why a Chromium test cannot run here, or null when it can.</summary>
    internal static string? Reason => SkipReason.Value;

    public ChromiumFactAttribute()
    {
        if (SkipReason.Value is { } reason) Skip = reason;
    }

    private static string? FindOrInstall()
    {
        if (HeadlessBrowser.FindExecutable() is not null) return null;
        var script = FindRepoFile(Path.Combine("eng", "ensure-chromium.sh"));
        if (script is null) return "Chromium not installed and eng/ensure-chromium.sh not found.";
        try
        {
            var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                p.Kill(entireProcessTree: true);
                return "eng/ensure-chromium.sh timed out after 10 minutes.";
            }
            var path = stdout.Result.Trim();
            if (p.ExitCode == 0 && File.Exists(path))
            {
                Environment.SetEnvironmentVariable("BLINK_CHROMIUM", path);
                return null;
            }
            return "Chromium cannot be installed here: " + stderr.Result.Trim();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "Chromium not installed and bash is unavailable to run eng/ensure-chromium.sh: " + e.Message;
        }
    }

    private static string? FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A theory that needs headless Chromium (skipped like <see cref="ChromiumFactAttribute"/>).</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (ChromiumFactAttribute.Reason is { } reason) Skip = reason;
    }
}
