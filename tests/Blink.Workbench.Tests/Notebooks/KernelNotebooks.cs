namespace Blink.Workbench.Tests.Notebooks;

/// <summary>Paths of the checkout the notebook tests run against, and the feed cell a test notebook starts with.</summary>
internal static class KernelNotebooks
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Blink.Workbench.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException($"Blink.Workbench.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    public static string NotebookFolder => Path.Combine(RepositoryRoot, "notebooks");

    /// <summary>The local feed the build packs Blink.Workbench into.</summary>
    public static string Feed => Path.Combine(RepositoryRoot, "artifacts", "packages");

    /// <summary>The version the build packs (the library's assembly informational version without build metadata).</summary>
    public static string PackageVersion =>
        (typeof(Workbench.Plots.Figure).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion).Split('+')[0];

    /// <summary>A C# cell that adds the checkout's feed (absolute path: the kernel's #i takes no relative ones).</summary>
    public static string FeedCell =>
        $"await Microsoft.DotNet.Interactive.Kernel.Root.SendAsync(new Microsoft.DotNet.Interactive.Commands.SubmitCode(\"#i \\\"nuget: {Feed}\\\"\", \"csharp\"));";

    /// <summary>A snapshot of a folder (relative path, size, last write, content hash) to show nothing changed in it.</summary>
    public static IReadOnlyList<string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p)
                ? $"{Path.GetRelativePath(folder, p)} {new FileInfo(p).Length} {File.GetLastWriteTimeUtc(p):O} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)))}"
                : Path.GetRelativePath(folder, p) + "/")
            .ToList();
}
