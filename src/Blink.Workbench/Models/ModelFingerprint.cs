using System.Security.Cryptography;
using System.Text;
using TorchSharp;

namespace Blink.Workbench.Models;

/// <summary>
/// Identities of a model, at two costs. <see cref="Compute"/> hashes everything (config JSON plus either the weight
/// files of the bundle's folder, streamed, or, for a model built in memory, every state-dict tensor's bytes): what
/// cached TokenSR features depend on. <see cref="Of"/> is the cheap identity of a model folder, so resumable work
/// (answer files) is never continued with another model: <c>config.json</c> and, for every <c>*.safetensors</c> file,
/// its name, length and first and last MiB — a retrained model of the same shape has the same safetensors header but
/// different weights, and reading two MiB per shard keeps the check instant even for a 13 GB LLaVA-7B checkpoint.
/// </summary>
public static class ModelFingerprint
{
    private const int Window = 1 << 20;

    public static string Compute(ModelBundle bundle)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(bundle.Model.Config.ToJson()));
        var files = bundle.Folder is { } folder && Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).ToArray()
            : [];
        if (files.Length > 0)
        {
            var buffer = new byte[Window];
            foreach (var file in files)
            {
                sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file)));
                using var stream = File.OpenRead(file);
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) sha.AppendData(buffer, 0, n);
            }
        }
        else
        {
            foreach (var (name, tensor) in bundle.Model.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                sha.AppendData(Encoding.UTF8.GetBytes(name));
                using var cpu = tensor.detach().cpu().contiguous();
                sha.AppendData(cpu.bytes);
            }
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

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
