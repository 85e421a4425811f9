using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>
/// Loads a checkpoint into a module that was built on the meta device (shapes only, no memory, no random
/// initialisation). Every parameter is allocated once, directly on the target device in the target dtype, and filled
/// from its checkpoint tensor; tensors go one at a time, so the host never holds more than one checkpoint tensor beyond
/// the model itself (none at all when loading to the CPU in the stored dtype). Everything is checked from the headers
/// before the first allocation: a checkpoint that does not fit never half-loads onto a device.
/// </summary>
public static class MetaCheckpointLoader
{
    /// <param name="module">A module whose parameters are on <see cref="torch.META"/>. On failure it is left as it was
    /// (if validation failed) or partly filled (if reading a file failed midway); dispose it either way.</param>
    /// <param name="sources">The checkpoints; together they must supply every module key exactly once (strict).</param>
    /// <param name="device">Where the weights go.</param>
    /// <param name="dtype">Floating-point weights are stored in this dtype; integer tensors keep their own.</param>
    /// <param name="progress">Called after each tensor.</param>
    public static CheckpointLoadReport Load(nn.Module module, IReadOnlyList<CheckpointSource> sources, Device device, ScalarType dtype,
        Action<CheckpointLoadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!CheckpointPlan.IsFloating(dtype)) throw new ArgumentException($"Weights must load in a floating-point dtype, not {dtype}.", nameof(dtype));
        var plan = CheckpointPlan.Create(module.state_dict(), sources, strict: true);
        var modules = new List<(string Prefix, nn.Module Module)> { ("", module) };
        modules.AddRange(module.named_modules());
        var notMeta = modules
            .SelectMany(m => m.Module.named_parameters(recurse: false).Select(p => (Key: Join(m.Prefix, p.name), Tensor: (Tensor)p.parameter)))
            .FirstOrDefault(p => p.Tensor.device_type != DeviceType.META);
        if (notMeta.Tensor is not null)
            throw new ArgumentException($"'{notMeta.Key}' is on {notMeta.Tensor.device}, not on the meta device: build the model with device: torch.META.", nameof(module));

        var loaded = new List<string>(plan.Items.Count);
        long bytesDone = 0;
        var total = plan.Items.Count;
        void Filled(CheckpointPlanItem item)
        {
            loaded.Add(item.ModuleKey);
            bytesDone += item.Entry.ByteLength;
            progress?.Invoke(new CheckpointLoadProgress(loaded.Count, total, bytesDone, plan.TotalBytes, item.ModuleKey));
        }

        using (torch.no_grad())
        {
            foreach (var (prefix, owner) in modules)
            {
                foreach (var (name, parameter) in owner.named_parameters(recurse: false).ToList())
                {
                    var item = Item(plan, Join(prefix, name));
                    var filled = Allocate(item, parameter, device, dtype);
                    // Detached: a caller's dispose scope must not free the model's weights when it ends.
                    var replacement = new Parameter(filled, parameter.requires_grad);
                    replacement.DetachFromDisposeScope();
                    ModuleTensorSlots.ReplaceParameter(owner, name, parameter, replacement);
                    Filled(item);
                }
                foreach (var (name, buffer) in owner.named_buffers(recurse: false, include_nonpersistent: false).ToList())
                {
                    var item = Item(plan, Join(prefix, name));
                    ModuleTensorSlots.ReplaceBuffer(owner, name, buffer, Allocate(item, buffer, device, dtype).DetachFromDisposeScope(), persistent: true);
                    Filled(item);
                }
                if (owner is IDerivedBuffers derived) derived.CreateBuffers(device);
            }
        }
        return plan.Report(loaded);
    }

    private static CheckpointPlanItem Item(CheckpointPlan plan, string key) =>
        plan.TryGet(key, out var item)
            ? item
            : throw new InvalidOperationException($"'{key}' is not in the module's state_dict but is one of its tensors; nothing can fill it.");

    private static Tensor Allocate(CheckpointPlanItem item, Tensor placeholder, Device device, ScalarType dtype)
    {
        var type = CheckpointPlan.IsFloating(placeholder.dtype) ? dtype : item.Entry.DType.ToScalarType();
        var tensor = torch.empty(placeholder.shape, type, device);
        try
        {
            item.Checkpoint.FileOf(item.CheckpointKey).ReadInto(item.CheckpointKey, tensor);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
