using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>
/// A module whose non-persistent buffers are computed from its configuration, never loaded (the rotary embedding's
/// <c>inv_freq</c>). A model built on the meta device has only placeholders for them; loading asks the module to
/// compute them directly on the device the weights go to.
/// </summary>
public interface IDerivedBuffers
{
    void CreateBuffers(Device device);
}
