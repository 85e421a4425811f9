using Blink.Workbench.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

/// <summary>Builds a model for a config and fills it from a safetensors checkpoint (single file or sharded).</summary>
public static class LlavaWeights
{
    public static LlavaForConditionalGeneration Load(string folder, LlavaConfig config, Device device, ScalarType dtype, Action<string>? progress = null)
    {
        var model = new LlavaForConditionalGeneration(config);
        try
        {
            CheckpointLoader.Load(model, folder);
            model.to(device, dtype);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
