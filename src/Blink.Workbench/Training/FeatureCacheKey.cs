using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Blink.Workbench.IO;
using Blink.Workbench.Models;

namespace Blink.Workbench.Training;

/// <summary>
/// Everything cached TokenSR features depend on. Two caches are interchangeable only when every field is equal; a
/// changed model, prompt, region policy, patch size, scale, layer band or data source invalidates the cache.
/// </summary>
public sealed record FeatureCacheKey(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("model_id")] string ModelId,
    [property: JsonPropertyName("prompt_template")] string PromptTemplate,
    [property: JsonPropertyName("preprocess")] string Preprocess,
    [property: JsonPropertyName("region_policy")] string RegionPolicy,
    [property: JsonPropertyName("scan")] string Scan,
    [property: JsonPropertyName("patch_size")] int PatchSize,
    [property: JsonPropertyName("scale")] int Scale,
    [property: JsonPropertyName("layers")] int[] Layers,
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("count")] int Count)
{
    public const int FormatVersion = 1;

    /// <param name="modelFingerprint">Precomputed <see cref="ModelFingerprint.Compute"/> (hashing weights is not free).</param>
    public static FeatureCacheKey For(ModelBundle bundle, TokenSRExtractionOptions options, ITokenSRDataSource data, string? modelFingerprint = null)
    {
        var b = options.Blink;
        var pre = bundle.Preprocessor.Options;
        return new FeatureCacheKey(
            modelFingerprint ?? ModelFingerprint.Compute(bundle),
            bundle.ModelId,
            bundle.Template.Name + ":" + bundle.Template.Format,
            $"size={pre.Size}:patch={pre.PatchSize}:mode={pre.Mode}:resample={pre.Resampling}:mean={string.Join(",", pre.Mean)}:std={string.Join(",", pre.Std)}",
            $"random_ratio={options.RandomRegionRatio.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}:seed={options.Seed}:share={options.ShareRegionAcrossLayers}:v={FormatVersion}",
            $"heads={b.Heads}:scores={b.Scores}:query={b.Query}",
            b.PatchSize,
            b.Scale,
            options.Layers.ToArray(),
            data.Description,
            data.Count);
    }

    /// <summary>SHA-256 of the canonical JSON.</summary>
    [JsonIgnore]
    public string Hash => Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(this))).ToLowerInvariant()[..32];

    /// <summary>The fields that differ, as "name: cached → expected" lines (empty when equal).</summary>
    public IReadOnlyList<string> Differences(FeatureCacheKey expected)
    {
        var a = JsonSerializer.SerializeToNode(this)!.AsObject();
        var e = JsonSerializer.SerializeToNode(expected)!.AsObject();
        var result = new List<string>();
        foreach (var (name, value) in e)
        {
            var old = a[name]?.ToJsonString();
            var now = value?.ToJsonString();
            if (old != now) result.Add($"{name}: {Short(old)} → {Short(now)}");
        }
        return result;
    }

    private static string Short(string? s) => s is null ? "(none)" : s.Length > 80 ? s[..77] + "…" : s;
}

/// <summary>Cached features were made under a different key (model, prompt, region policy, …) than requested.</summary>
public sealed class FeatureCacheMismatchException(string message) : InvalidOperationException(message);
