using Blink.Workbench.Models;
using Blink.Workbench.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class GradientFlowTests
{
    [Fact]
    public void AnswerLoss_ReachesEveryParameterThatShapesTheAnswer()
    {
        using var model = TinyModels.Create(seed: 2);
        model.train();
        var ids = TinyModels.PromptIds();
        var logits = model.forward(new LlavaInput(ids, TinyModels.Pixels(), Logits: LogitsMode.All)).Logits;
        var loss = nn.functional.cross_entropy(logits[0, -1].unsqueeze(0), torch.tensor(new long[] { 7 }));
        loss.backward();
        var silent = model.named_parameters()
            .Where(p => !p.name.Contains("post_layernorm") && !p.name.Contains("encoder.layers.2.") && !p.name.Contains("embed_tokens"))
            .Where(p => p.parameter.grad is null || p.parameter.grad.abs().sum().item<float>() == 0)
            .Select(p => p.name).ToArray();
        Assert.Empty(silent);
    }
}
