using System.Security.Cryptography;
using Blink.Workbench.Models;
using TorchSharp;

namespace Blink.Workbench.Training;

/// <summary>
/// A SHA-256 that changes whenever the model's weights or configuration change: over the config JSON plus either the
/// weight files of the bundle's folder (streamed, so a 7B checkpoint costs one sequential read) or, for a model built
/// in memory, every state-dict tensor's bytes.
/// </summary>
public static class ModelFingerprint
{
    public static string Compute(ModelBundle bundle)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(bundle.Model.Config.ToJson()));
        var files = bundle.Folder is { } folder && Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal).ToArray()
            : [];
        if (files.Length > 0)
        {
            var buffer = new byte[1 << 20];
            foreach (var file in files)
            {
                sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
                using var stream = File.OpenRead(file);
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) sha.AppendData(buffer, 0, n);
            }
        }
        else
        {
            foreach (var (name, tensor) in bundle.Model.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
                using var cpu = tensor.detach().cpu().contiguous();
                sha.AppendData(cpu.bytes);
            }
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}
