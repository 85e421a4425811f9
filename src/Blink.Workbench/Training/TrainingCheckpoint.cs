namespace Blink.Workbench.Training;

/// <summary>
/// A checkpoint folder replaced atomically: the new one is written beside the old under a temporary name and swapped in
/// by renames, so an interruption at any moment leaves the last good checkpoint readable.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>Writes a new checkpoint into <paramref name="folder"/> through <paramref name="write"/>.</summary>
    public static void Save(string folder, Action<string> write)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(folder))!;
        Directory.CreateDirectory(parent);
        var tmp = folder + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        var old = folder + ".old";
        Directory.CreateDirectory(tmp);
        try
        {
            write(tmp);
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
            if (Directory.Exists(folder)) Directory.Move(folder, old);
            Directory.Move(tmp, folder);
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
    }

    /// <summary>The last complete checkpoint, also when a swap was interrupted between its two renames.</summary>
    public static string? Find(string folder, string marker)
    {
        if (File.Exists(Path.Combine(folder, marker))) return folder;
        var old = folder + ".old";
        return File.Exists(Path.Combine(old, marker)) ? old : null;
    }
}
