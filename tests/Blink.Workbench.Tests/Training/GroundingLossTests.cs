using Blink.Workbench.Imaging;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class GroundingLossTests
{
    [Fact]
    public void EvidenceMask_IsTheShareOfTheBoxInEachToken()
    {
        // 4×4 grid of 10-px tokens; the box x 5..20, y 10..20 covers token (1,1) fully and the right half of token (1,0).
        var mask = GroundingLoss.EvidenceMask(new PixelBox(5, 10, 20, 20), 4, 10);
        // Areas: token (1,0) 5×10 = 50, token (1,1) 10×10 = 100; total 150.
        Assert.Equal(50f / 150, mask[1 * 4 + 0], 6);
        Assert.Equal(100f / 150, mask[1 * 4 + 1], 6);
        Assert.Equal(1f, mask.Sum(), 5);
        Assert.Equal(2, mask.Count(v => v > 0));
        Assert.All(GroundingLoss.EvidenceMask(new PixelBox(50, 50, 60, 60), 4, 10), v => Assert.Equal(0f, v)); // outside the image
    }

    [Fact]
    public void MaskOfBoxes_WeighsEachBoxByItsAreaInTheImage()
    {
        // 4×4 grid of 10-px tokens: box A fills token (0,0) (area 100), box B is a 5×5 corner of token (2,2) (area 25),
        // box C lies outside the image (area 0).
        var mask = GroundingLoss.MaskOfBoxes([new PixelBox(0, 0, 10, 10), new PixelBox(20, 20, 25, 25), new PixelBox(50, 50, 60, 60)], 4, 10);
        Assert.Equal(100f / 125, mask[0], 6);
        Assert.Equal(25f / 125, mask[2 * 4 + 2], 6);
        Assert.Equal(2, mask.Count(v => v > 0));
        Assert.All(GroundingLoss.MaskOfBoxes([new PixelBox(50, 50, 60, 60)], 4, 10), v => Assert.Equal(0f, v));
        // One box: the same as its evidence mask.
        Assert.Equal(GroundingLoss.EvidenceMask(new PixelBox(5, 10, 20, 20), 4, 10), GroundingLoss.MaskOfBoxes([new PixelBox(5, 10, 20, 20)], 4, 10));
    }

    [Fact]
    public void Compute_EqualsTheHandComputedCrossEntropy_AndSkipsRowsWithoutTarget()
    {
        // Batch of 2, 2 heads, 2 observed rows, 6 keys: image at keys 1..4 (N = 4).
        var probs = torch.tensor(new float[]
        {
            // b0 h0 r0, r1 | b0 h1 r0, r1
            .1f, .2f, .3f, .1f, .1f, .2f,   .2f, .1f, .1f, .4f, .1f, .1f,
            .3f, .1f, .1f, .2f, .2f, .1f,   .1f, .3f, .1f, .1f, .3f, .1f,
            // b1 (no target)
            .2f, .2f, .2f, .2f, .1f, .1f,   .2f, .2f, .2f, .2f, .1f, .1f,
            .2f, .2f, .2f, .2f, .1f, .1f,   .2f, .2f, .2f, .2f, .1f, .1f,
        }, [2, 2, 2, 6]);
        var targets = torch.tensor(new float[] { 0, .5f, .5f, 0, 0, 0, 0, 0 }, [2, 4]);
        // b0 uses row 1: image keys 1..4 of h0 r1 (.1,.1,.4,.1) and h1 r1 (.3,.1,.1,.3); head mean (.2,.1,.25,.2), sum .75.
        var p1 = .1 / .75;
        var p2 = .25 / .75;
        var expected = -(.5 * Math.Log(p1 + 1e-8) + .5 * Math.Log(p2 + 1e-8));
        var loss = GroundingLoss.Compute(probs, [1, 0], 1, 4, targets).item<float>();
        Assert.Equal(expected, loss, 5);
    }

    [Fact]
    public void Compute_GradientPullsAttentionTowardsTheEvidence()
    {
        var logits = torch.zeros(1, 1, 1, 5, requires_grad: true);
        var probs = logits.softmax(-1);
        var targets = torch.tensor(new float[] { 0, 1, 0, 0 }, [1, 4]);
        GroundingLoss.Compute(probs, [0], 1, 4, targets).backward();
        var grad = logits.grad!.data<float>().ToArray();
        Assert.True(grad[2] < 0, "the evidence key's logit must rise (negative gradient)");
        Assert.True(grad[1] > 0 && grad[3] > 0 && grad[4] > 0, "other image keys must fall");
    }

    [Fact]
    public void NegativeWeight_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new BaseTrainingOptions { GroundingLossWeight = -1 }.Validate());
        Assert.Contains("GroundingLossWeight must be ≥ 0, got -1", error.Message);
    }
}
