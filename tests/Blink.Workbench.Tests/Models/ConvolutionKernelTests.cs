using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Models;

/// <summary>
/// libtorch's float32 convolutions (forward and both gradients) against an independent unfold + matmul computation,
/// for channel counts that are and are not multiples of the SIMD block. Without <see cref="TorchRuntime"/>'s kernel cap
/// these failed on AVX-512 machines (see its remarks).
/// </summary>
[Collection("Torch")]
public class ConvolutionKernelTests
{
    [Theory]
    [InlineData(3, 4)]
    [InlineData(8, 4)]
    [InlineData(12, 4)]
    [InlineData(24, 4)]
    [InlineData(40, 9)]
    public void Convolution_MatchesUnfoldAndMatmul(int channels, int side)
    {
        TorchRuntime.EnsureConfigured();
        torch.manual_seed(4);
        var weight = (torch.randn(channels, channels, 3, 3) * 0.2f).requires_grad_();
        var input = torch.randn(8, channels, side, side).requires_grad_();
        var weightRef = weight.detach().clone().requires_grad_();
        var inputRef = input.detach().clone().requires_grad_();

        var y = nn.functional.conv2d(input, weight, padding: [1, 1]);
        var yRef = torch.einsum("ok,bkl->bol", weightRef.reshape(channels, -1), nn.functional.unfold(inputRef, 3, padding: 1))
            .reshape(8, channels, side, side);
        TensorAssert.Close(yRef, y, 1e-4, "forward");

        y.square().sum().backward();
        yRef.square().sum().backward();
        TensorAssert.Close(inputRef.grad!, input.grad!, 1e-3, "input gradient");
        TensorAssert.Close(weightRef.grad!, weight.grad!, 1e-3, "weight gradient");
    }

    [Fact]
    public void Loading_a_model_turns_off_NNPACK_whose_failed_start_floods_the_log()
    {
        using var bundle = ModelBundle.Load(Blink.Workbench.Tests.IO.FixturePaths.LlavaTinyHf);
        Assert.False(TorchRuntime.NNPackEnabled());
    }
}
