using System.Reflection;

namespace Blink.Notebooks.Execution;

/// <summary>
/// The assemblies the host process can load by simple name (its trusted platform assemblies: the framework plus the
/// host's deps.json, which includes the workbench). A notebook's <c>#r "…/Blink.Workbench.dll"</c> is compiled
/// against the host's copy so that exactly one copy of each assembly lives in the process (reference §4.2.10).
/// </summary>
internal static class HostAssemblies
{
    private static readonly Lazy<Dictionary<string, string>> Paths = new(() =>
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            paths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        return paths;
    });

    public static bool TryGetPath(string simpleName, out string path) => Paths.Value.TryGetValue(simpleName, out path!);

    /// <summary>Full assembly name of a host assembly (from its file, without loading it).</summary>
    public static AssemblyName? GetName(string simpleName) =>
        TryGetPath(simpleName, out var path) ? AssemblyName.GetAssemblyName(path) : null;

    /// <summary>
    /// A missing <c>#r</c> file that sits in a build output folder (…/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Name.dll)
    /// of an assembly the host has: the same library built in another configuration, which the host's copy stands in for.
    /// </summary>
    public static bool IsBuildOutputPath(string fullPath) =>
        fullPath.Replace('\\', '/').Contains("/bin/", StringComparison.Ordinal);
}
