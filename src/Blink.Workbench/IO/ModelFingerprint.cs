using System.Security.Cryptography;
using System.Text;

namespace Blink.Workbench.IO;

/// <summary>
/// A cheap identity of a model folder, so resumable work (answer files) is never continued with another model. It hashes
/// <c>config.json</c> and, for every <c>*.safetensors</c> file, its name, length and first and last MiB: a retrained
/// model of the same shape has the same safetensors header but different weights, and reading two MiB per shard keeps
/// the check instant even for a 13 GB LLaVA-7B checkpoint.
/// </summary>
public static class ModelFingerprint
{
    private const int Window = 1 << 20;

    public static string Of(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        if (!Directory.Exists(modelDirectory)) throw new DirectoryNotFoundException($"Model folder {modelDirectory} does not exist.");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var config = Path.Combine(modelDirectory, "config.json");
        if (File.Exists(config)) hash.AppendData(File.ReadAllBytes(config));
        var buffer = new byte[Window];
        foreach (var file in Directory.GetFiles(modelDirectory, "*.safetensors").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}:{stream.Length}\n"));
            AppendWindow(hash, stream, 0, buffer);
            if (stream.Length > Window) AppendWindow(hash, stream, Math.Max(Window, stream.Length - Window), buffer);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant()[..16];
    }

    private static void AppendWindow(IncrementalHash hash, FileStream stream, long offset, byte[] buffer)
    {
        stream.Position = offset;
        var read = stream.ReadAtLeast(buffer, (int)Math.Min(buffer.Length, stream.Length - offset), throwOnEndOfStream: false);
        hash.AppendData(buffer, 0, read);
    }
}
