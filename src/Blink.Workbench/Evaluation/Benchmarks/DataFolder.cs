namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>Small helpers for finding files in a benchmark's data folder, with errors that say what was expected.</summary>
internal static class DataFolder
{
    public static void RequireDirectory(string dataDirectory, string benchmark)
    {
        if (!Directory.Exists(dataDirectory))
            throw new DirectoryNotFoundException($"{benchmark}: data folder not found: {dataDirectory}");
    }

    /// <summary>The first candidate (relative to <paramref name="root"/>) that exists as a file.</summary>
    public static string FindFile(string root, string benchmark, params string[] candidates)
    {
        foreach (string c in candidates)
        {
            string path = Path.Combine(root, c);
            if (File.Exists(path))
                return path;
        }
        throw new FileNotFoundException(
            $"{benchmark}: none of {string.Join(", ", candidates)} found in {root}");
    }

    /// <summary>The first candidate folder that exists, else <paramref name="root"/> itself.</summary>
    public static string FindDirectoryOrRoot(string root, params string[] candidates)
    {
        foreach (string c in candidates)
        {
            string path = Path.Combine(root, c);
            if (Directory.Exists(path))
                return path;
        }
        return root;
    }
}
