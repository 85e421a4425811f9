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
        return Load([new CheckpointSource(checkpoint)], config, device, dtype, progress);
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
