using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Workbench.Tests.EvalCli;

/// <summary>A TokenSR bank read back from its safetensors file alone, and the blink method run with it.</summary>
[Collection(EvalCollection.Name)]
public sealed class TokenSRBankFileTests(EvalFixture fx)
{
    [Fact]
    public void Layers_and_width_come_from_the_file_and_blink_runs_with_it()
    {
        var hidden = fx.Bundle.Model.Config.TextConfig.HiddenSize;
        var path = Path.Combine(fx.NewOutput("tokensr"), "tokensr.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var saved = new TokenSRBank([1, 2], hidden, width: 16)) CheckpointLoader.Save(saved, path);

        var shape = TokenSRBankFile.Inspect(path);
        Assert.Equal([1, 2], shape.Layers);
        Assert.Equal(hidden, shape.HiddenSize);
        Assert.Equal(16, shape.Width);
        var wrong = Assert.Throws<InvalidDataException>(() => TokenSRBankFile.Load(path, hidden + 1));
        Assert.Contains(path, wrong.Message);

        using var bank = TokenSRBankFile.Load(path, hidden);
        var runner = new MethodRunner(fx.Bundle, bank, new GenerationOptions(4, EosId: fx.Bundle.Tokenizer.EosId));
        var items = fx.Load("pope").Take(4).ToList();
        var options = new EvaluationOptions(fx.NewOutput("blink"), BootstrapResamples: 200);
        new MethodEvaluator(runner).Answer(BenchmarkRegistry.Default.Get("pope"), items, [fx.Method("blink")], options);
        Assert.Equal(4, AnswerFile.ReadUnique(MethodEvaluator.AnswerPath(options, "blink")).Count);
    }

    [Fact]
    public void A_file_without_TokenSR_weights_is_refused()
    {
        var path = Path.Combine(fx.NewOutput("not-tokensr"), "x.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var linear = TorchSharp.torch.nn.Linear(2, 2)) CheckpointLoader.Save(linear, path);
        var e = Assert.Throws<InvalidDataException>(() => TokenSRBankFile.Inspect(path));
        Assert.Contains("no TokenSR weights", e.Message);
    }
}
