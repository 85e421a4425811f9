using Blink.Workbench.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// Token super-resolution for one layer: bilinear ×s upsampling of a p×p patch of hidden states plus a learned residual
/// refinement of three convolutions with ReLU (1×1 D→h, 3×3 h→h, 1×1 h→D). The last convolution starts at zero, so an
/// untrained TokenSR is exactly Blink-interp (paper-notes §4.3; the paper only says "three 2D convolutional layers with
/// ReLU activations").
/// </summary>
public sealed class TokenSR : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
#pragma warning restore IDE1006
    private readonly int _scale;

    public TokenSR(int hiddenSize, int width, int scale = 2) : base(nameof(TokenSR))
    {
        if (hiddenSize <= 0 || width <= 0) throw new ArgumentException($"TokenSR sizes must be positive (hidden {hiddenSize}, width {width}).");
        _scale = scale;
        conv1 = nn.Conv2d(hiddenSize, width, 1);
        conv2 = nn.Conv2d(width, width, 3, padding: 1);
        conv3 = nn.Conv2d(width, hiddenSize, 1);
        using (torch.no_grad())
        {
            nn.init.zeros_(conv3.weight!);
            nn.init.zeros_(conv3.bias!);
        }
        RegisterComponents();
    }

    public int Scale => _scale;

    /// <param name="patch">[B, D, p, p] hidden states of a region (channels first).</param>
    /// <returns>[B, D, s·p, s·p].</returns>
    public override Tensor forward(Tensor patch)
    {
        using var scope = NewDisposeScope();
        var up = Interpolate(patch, _scale);
        // In-place activations and sum: the same values, three fewer tensors per expansion (see docs/performance.md).
        var refined = conv3.forward(conv2.forward(conv1.forward(up).relu_()).relu_());
        return refined.PlusInPlace(up).MoveToOuterDisposeScope();
    }

    /// <summary>Bilinear ×s with align_corners = false (Blink-interp, and TokenSR's base path).</summary>
    public static Tensor Interpolate(Tensor patch, int scale)
    {
        using var scope = NewDisposeScope();
        var dtype = patch.dtype;
        // Bilinear upsampling in half precision is not implemented on every CPU build; compute in float32 there.
        var x = patch.device_type == DeviceType.CPU && dtype != ScalarType.Float32 ? patch.to(ScalarType.Float32) : patch;
        var up = nn.functional.interpolate(x, scale_factor: [scale, scale], mode: InterpolationMode.Bilinear, align_corners: false);
        return (up.dtype == dtype ? up : up.to(dtype)).MoveToOuterDisposeScope();
    }
}
