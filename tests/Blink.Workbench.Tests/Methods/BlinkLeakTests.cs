using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Performance;
using Blink.Workbench.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Methods;

/// <summary>Blink's forwards (expansion, TokenSR, drop, cached decoding) leave no tensor alive behind them.</summary>
[Collection("Torch")] // reads this thread's dispose-scope statistics
public sealed class BlinkLeakTests
{
    // Tiny model: 3 decoder layers, 4×4 grid; expand after layer 0 (TokenSR), keep it for layer 1 on.
    private static readonly BlinkOptions Forced = new()
    {
        FirstLayer = 0, LastLayer = 1, PatchSize = 2, Schedule = ExpansionSchedule.ForcedOnce, Expander = ExpanderKind.TokenSR,
    };

    [Fact]
    public void HundredBlinkForwards_WithAForcedTokenSRExpansion_KeepTheLiveTensorCountFlat()
    {
        using var model = TinyModels.Create();
        using var noGrad = torch.no_grad();
        using var bank = new TokenSRBank([0, 1], 32, 16);
        var ids = TinyModels.PromptIds();
        var features = model.GetImageFeatures(TinyModels.Pixels());
        var lastTrace = 0;
        var result = LeakCheckResult.Measure("blink", () =>
        {
            using var scope = NewDisposeScope();
            var blink = new BlinkInterceptor(Forced, new TokenSRExpander(bank));
            var output = model.forward(new LlavaInput(ids, null, null, blink, LogitsMode.Last, features));
            lastTrace = output.TokensPerLayer.Sum();
        }, 100);
        Assert.Equal(23 + 2 * (23 + 16), lastTrace); // the expansion really happened: 16 tokens more in layers 1 and 2
        Assert.Equal(0, result.Drift);
        Assert.True(result.Created > 0 && result.Created == result.Disposed, $"created {result.Created}, disposed {result.Disposed}");
    }

    [Fact]
    public void GreedyDecodingWithAnActiveExpansion_KeepsTheLiveTensorCountFlat()
    {
        using var model = TinyModels.Create();
        using var bank = new TokenSRBank([0, 1], 32, 16);
        var ids = TinyModels.PromptIds();
        var pixels = TinyModels.Pixels();
        var result = LeakCheckResult.Measure("decode", () =>
        {
            using var scope = NewDisposeScope();
            GreedyDecoder.Generate(model, ids, pixels, new GenerationOptions(3), new BlinkInterceptor(Forced, new TokenSRExpander(bank)));
        }, 20);
        Assert.Equal(0, result.Drift);
    }
}
