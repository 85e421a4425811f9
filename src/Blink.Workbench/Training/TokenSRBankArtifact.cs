using System.Text.Json;
using System.Text.Json.Serialization;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// What training writes beside a bank (<see cref="TokenSRBankFile"/> owns the files): what is needed to rebuild it
/// (layers, hidden size, width, p, scale) and how it was trained (loss, curve, the interpolation reference, threads).
/// </summary>
public static class TokenSRBankArtifact
{
    public sealed record Meta(
        [property: JsonPropertyName("layers")] int[] Layers,
        [property: JsonPropertyName("hidden_size")] int HiddenSize,
        [property: JsonPropertyName("width")] int Width,
        [property: JsonPropertyName("patch_size")] int PatchSize,
        [property: JsonPropertyName("scale")] int Scale,
        [property: JsonPropertyName("loss")] string Loss,
        [property: JsonPropertyName("temperature")] double Temperature,
        [property: JsonPropertyName("final_train_loss")] double FinalTrainLoss,
        [property: JsonPropertyName("val_loss")] Dictionary<string, double> ValLoss,
        [property: JsonPropertyName("interp_val_loss")] Dictionary<string, double> InterpValLoss,
        [property: JsonPropertyName("train_pairs")] int TrainPairs,
        [property: JsonPropertyName("val_pairs")] int ValPairs,
        [property: JsonPropertyName("feature_cache_key")] string FeatureCacheKey,
        [property: JsonPropertyName("model_id")] string? ModelId,
        [property: JsonPropertyName("curve")] IReadOnlyList<TokenSRCurvePoint> Curve,
        [property: JsonPropertyName("threads")] int Threads = 0,
        [property: JsonPropertyName("reproducibility")] string? Reproducibility = null);

    public static Meta Save(TokenSRTrainingResult result, string path, int patchSize, TokenSRTrainingOptions options, string cacheKey, string? modelId)
    {
        var bank = result.Bank;
        static Dictionary<string, double> Keys(IReadOnlyDictionary<int, double> d) => d.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value);
        var meta = new Meta(bank.Layers.ToArray(), bank.HiddenSize, bank.Width, patchSize, bank.Scale, options.Loss.ToString().ToLowerInvariant(), options.Temperature,
            result.FinalLoss, Keys(result.ValLoss), Keys(result.InterpValLoss), result.TrainPairs, result.ValPairs, cacheKey, modelId, result.Curve,
            TorchSharp.torch.get_num_threads(), "byte-identical when retrained with the same seed, features and thread count; other thread counts round float sums differently");
        TokenSRBankFile.Save(bank, path, meta);
        return meta;
    }
}
