namespace Blink.Workbench.IO;

/// <summary>
/// A checkpoint file is not a valid safetensors file (or a shard index is inconsistent). The message always names the
/// file and, where one is involved, the tensor key, so a user can tell which of several shards is broken and why.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string file, string? key, string problem, Exception? inner = null)
        : base(Compose(file, key, problem), inner)
    {
        FilePath = file;
        Key = key;
        Problem = problem;
    }

    /// <summary>The file that is malformed.</summary>
    public string FilePath { get; }

    /// <summary>The tensor key concerned, or null when the problem is with the file as a whole.</summary>
    public string? Key { get; }

    /// <summary>The problem on its own, without the file and key prefix.</summary>
    public string Problem { get; }

    private static string Compose(string file, string? key, string problem) =>
        key is null ? $"{file}: {problem}" : $"{file}: tensor '{key}': {problem}";
}
