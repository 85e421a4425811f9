using Blink.Workbench.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

/// <summary>
/// Builds a model for a config and fills it from a safetensors checkpoint (single file or sharded), frugally: the
/// module tree is built on the meta device (no memory, no random initialisation), every key, shape and dtype is checked
/// from the headers, and only then is each weight allocated on <c>device</c> in <c>dtype</c> and read, one tensor at a
/// time. Loading LLaVA-1.5-7B in fp16 needs its 14 GB on the device plus at most one checkpoint tensor (≤ 263 MB,
/// the embedding) of extra host memory.
/// </summary>
public static class LlavaWeights
{
    public static LlavaForConditionalGeneration Load(string folder, LlavaConfig config, Device device, ScalarType dtype,
        Action<CheckpointLoadProgress>? progress = null)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(folder);
        try
        {
            return Load([new CheckpointSource(checkpoint)], config, device, dtype, progress);
        }
        catch (CheckpointMismatchException mismatch) when (mismatch.Mismatched.Count > 0)
        {
            // Wrong shapes almost always mean a config.json that does not belong to these weights.
            var configPath = Path.Combine(folder, "config.json");
            throw mismatch.WithHint(config.DefaultedSections.Count > 0
                ? $"{configPath} has no {string.Join(" or ", config.DefaultedSections)}, so the LLaMA-7B / CLIP-L defaults were assumed; give it the sections that describe these weights."
                : $"The shapes come from {configPath}: check that it describes these weights (hidden_size, intermediate_size, num_hidden_layers, vocab_size).");
        }
    }

    /// <summary>Loads from several checkpoints that together supply every weight (e.g. an LLM folder and a CLIP tower folder).</summary>
    public static LlavaForConditionalGeneration Load(IReadOnlyList<CheckpointSource> sources, LlavaConfig config, Device device, ScalarType dtype,
        Action<CheckpointLoadProgress>? progress = null)
    {
        var model = new LlavaForConditionalGeneration(config, torch.META);
        try
        {
            MetaCheckpointLoader.Load(model, sources, device, dtype, progress);
            model.eval();
            return model;
        }
        catch (CheckpointMismatchException mismatch) when (OriginalLlavaLayout.Explain(mismatch) is { } explained)
        {
            model.Dispose();
            throw explained;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
