using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Models;

/// <summary>Two image blocks in one prompt (an image and its crop): layout, feature order, and the one-image path unchanged.</summary>
public class MultiImageLayoutTests
{
    private static Tensor TwoImagePrompt()
    {
        var ids = new List<long> { 1, 5, 7 };
        ids.AddRange(Enumerable.Repeat((long)TinyModels.ImageToken, 16));
        ids.Add(3);
        ids.AddRange(Enumerable.Repeat((long)TinyModels.ImageToken, 16));
        ids.AddRange([9, 11, 13, 2]);
        return torch.tensor(ids.ToArray(), dtype: ScalarType.Int64).reshape(1, ids.Count);
    }

    [Fact]
    public void TwoImages_LayoutNamesBothBlocks_AndEqualsTheirConcatenatedFeatures()
    {
        using var model = TinyModels.Create();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var a = TinyModels.Pixels(3);
        var b = TinyModels.Pixels(4);
        var ids = TwoImagePrompt();
        var both = model.forward(new LlavaInput(ids, torch.cat([a, b], 0)));
        Assert.NotNull(both.Layout);
        Assert.Equal(2, both.Layout!.ImageCount);
        Assert.Equal(3, both.Layout.ImageStart);
        Assert.Equal(16, both.Layout.ImageLength);
        Assert.Equal([20], both.Layout.MoreImageStarts!);
        Assert.Equal(new long[] { 1, 1, 64 }, both.Logits.shape);

        // The same forward from features concatenated by hand: image a fills the first block, b the second.
        var features = torch.cat([model.GetImageFeatures(a), model.GetImageFeatures(b)], 1);
        var byHand = model.forward(new LlavaInput(ids, ImageFeatures: features));
        // The vision tower runs the two images as one batch here and one by one there: float rounding only.
        TensorAssert.Close(both.Logits, byHand.Logits, 1e-5, "two images from pixels vs features");

        // Order matters: swapping the images changes the answer's logits.
        var swapped = model.forward(new LlavaInput(ids, torch.cat([b, a], 0)));
        Assert.False(both.Logits.allclose(swapped.Logits, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void OneImage_LayoutIsUnchanged_AndDeterministic()
    {
        using var model = TinyModels.Create();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var first = model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels()));
        var second = model.forward(new LlavaInput(TinyModels.PromptIds(), TinyModels.Pixels()));
        Assert.Equal(new SequenceLayout(3, 16, 4, 4, 0, 23), first.Layout);
        Assert.Equal(1, first.Layout!.ImageCount);
        TensorAssert.Identical(first.Logits, second.Logits, "a repeated one-image forward");
    }

    [Fact]
    public void ImageTokensSplitInsideOneImage_AreRefused()
    {
        using var model = TinyModels.Create();
        using var scope = NewDisposeScope();
        var ids = new List<long> { 1 };
        ids.AddRange(Enumerable.Repeat((long)TinyModels.ImageToken, 8));
        ids.Add(5);
        ids.AddRange(Enumerable.Repeat((long)TinyModels.ImageToken, 8));
        ids.Add(2);
        var e = Assert.Throws<ArgumentException>(() => model.forward(new LlavaInput(torch.tensor(ids.ToArray(), dtype: ScalarType.Int64).reshape(1, ids.Count), TinyModels.Pixels())));
        Assert.Contains("one contiguous run", e.Message);
        // Two blocks but one image's features: the count is named.
        var two = Assert.Throws<ArgumentException>(() => model.forward(new LlavaInput(TwoImagePrompt(), TinyModels.Pixels())));
        Assert.Contains("32 image tokens but the image gives 16 features", two.Message);
    }

    [Fact]
    public void GridMethods_RefuseAPromptWithTwoImages()
    {
        using var model = TinyModels.Create();
        using var scope = NewDisposeScope();
        var blink = new BlinkOptions { FirstLayer = 0, LastLayer = 1 }.WithPatchSize(2, 4);
        var interceptor = new BlinkInterceptor(blink, new InterpolationExpander());
        var e = Assert.Throws<ArgumentException>(() => model.forward(new LlavaInput(TwoImagePrompt(), torch.cat([TinyModels.Pixels(3), TinyModels.Pixels(4)], 0), Interceptor: interceptor)));
        Assert.Contains("Blink reads one image grid, but this prompt holds 2 images", e.Message);
        var fastv = Assert.Throws<ArgumentException>(() => model.forward(new LlavaInput(TwoImagePrompt(), torch.cat([TinyModels.Pixels(3), TinyModels.Pixels(4)], 0), Interceptor: new FastVInterceptor(1, 0.5))));
        Assert.Contains("FastV reads one image grid", fastv.Message);
    }
}
