using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Models;

namespace Blink.Workbench.Experiments;

/// <summary>
/// A study folder resumes (answer files, written splits, the feature cache) only for the same model weights, testbed
/// and settings: another model with the same id, or changed testbed defaults, would otherwise silently reuse stale
/// answers and splits. The key is written once into <c>run.key</c>; a mismatch stops before anything is overwritten.
/// </summary>
public static class StudyRunKey
{
    public const string FileName = "run.key";

    public static string Compute(ModelBundle bundle, TestbedOptions testbed, StudySettings settings) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            ModelFingerprint.Compute(bundle) + "\n" + JsonSerializer.Serialize(testbed) + "\n" + JsonSerializer.Serialize(settings with { Output = "" }))))[..16];

    /// <summary>Refuses a folder made with other inputs (or a non-empty folder without a key); writes the key into a new one.</summary>
    public static void CheckOrWrite(string folder, string key)
    {
        var path = Path.Combine(folder, FileName);
        if (File.Exists(path))
        {
            var previous = File.ReadAllText(path).Trim();
            if (previous != key)
                throw new InvalidOperationException(
                    $"{folder} holds a study of another model, testbed or settings (run key {previous}, now {key}); its answers and splits cannot be reused. " +
                    $"Pass another --out, or delete {folder} to start over.");
            return;
        }
        if (Directory.EnumerateFileSystemEntries(folder).Any())
            throw new InvalidOperationException(
                $"{folder} is not empty but has no {FileName} (written by another tool), so it cannot be checked for reuse. " +
                $"Pass another --out, or delete {folder} to start over.");
        File.WriteAllText(path, key + "\n");
    }
}
