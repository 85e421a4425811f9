namespace Blink.Notebooks;

/// <summary>
/// Where the kernel driver is: dotnet-repl 0.3.259 (the .NET Interactive kernel 1.0.0-beta.26120.1, the one inside
/// Microsoft.dotnet-interactive 1.0.712001, run in-process: no Jupyter, no HTTP or ZeroMQ listener).
/// </summary>
public static class KernelTool
{
    public const string Name = "dotnet-repl";
    public const string Version = "0.3.259";

    /// <summary>
    /// <c>BLINK_DOTNET_REPL</c> if set, else <c>.tools/dotnet-repl</c> in the first folder above
    /// <paramref name="startDirectory"/> that has one (what <c>./build.sh setup</c> installs), else dotnet-repl on PATH.
    /// The runner looks above the notebook, then above its own program (a notebook outside the checkout).
    /// </summary>
    public static string? Locate(string startDirectory)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BLINK_DOTNET_REPL");
        if (!string.IsNullOrEmpty(fromEnvironment)) return File.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", Name);
            if (File.Exists(candidate)) return candidate;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, Name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>What to tell a user who has no kernel driver.</summary>
    public static string MissingMessage(string startDirectory) =>
        $"the kernel driver {Name} {Version} was not found (BLINK_DOTNET_REPL, .tools/{Name} above {startDirectory}, PATH): " +
        "run ./build.sh setup in the repository (eng/ensure-kernel.sh installs it into .tools/).";
}
