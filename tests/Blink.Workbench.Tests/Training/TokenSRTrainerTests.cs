using Blink.Workbench.Methods;
using Blink.Workbench.Tests.Evaluation;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class TokenSRTrainerTests
{
    [Fact]
    public void KL_MatchesAHandComputation()
    {
        double[] s = [0.5, -1.0, 2.0], t = [1.0, 0.0, -0.5];
        static double[] Softmax(double[] x, double temp)
        {
            var e = x.Select(v => Math.Exp(v / temp)).ToArray();
            return e.Select(v => v / e.Sum()).ToArray();
        }
        foreach (var temp in new[] { 1.0, 2.0 })
        {
            var p = Softmax(t, temp);
            var q = Softmax(s, temp);
            var expected = temp * temp * p.Select((pi, i) => pi * Math.Log(pi / q[i])).Sum();
            // Two identical tokens: the mean over tokens is the per-token value.
            var student = torch.tensor(s.Concat(s).Select(v => (float)v).ToArray(), [2, 3]).T.reshape(1, 3, 1, 2);
            var teacher = torch.tensor(t.Concat(t).Select(v => (float)v).ToArray(), [2, 3]).T.reshape(1, 3, 1, 2);
            Assert.Equal(expected, TokenSRLoss.Compute(student, teacher, TokenSRLossKind.KL, temp).item<float>(), 5);
        }
        var st = torch.tensor(new float[] { 1, 0, 0, 1 }, [1, 2, 1, 2]);   // tokens (1, 0) and (0, 1)
        var te = torch.tensor(new float[] { 1, 1, 0, 0 }, [1, 2, 1, 2]);   // tokens (1, 0) and (1, 0)
        Assert.Equal(0.5, TokenSRLoss.Compute(st, te, TokenSRLossKind.Cosine).item<float>(), 5);  // (0 + 1) / 2
        Assert.Equal(0.5, TokenSRLoss.Compute(st, te, TokenSRLossKind.Mse).item<float>(), 5);     // (0 + 1) / 2
        Assert.Equal(0.0, TokenSRLoss.Compute(te, te, TokenSRLossKind.KL).item<float>(), 6);
    }

    [Fact]
    public void OneStep_ReducesTheLossOnAFixedBatch()
    {
        torch.manual_seed(4);
        var bank = new TokenSRBank([2], 16, 8);
        var student = torch.randn(8, 16, 2, 2);
        var teacher = TokenSR.Interpolate(student, 2) * 2 + 0.5;
        var optimizer = torch.optim.AdamW(bank.parameters(), lr: 1e-2);
        var before = TokenSRLoss.Compute(bank.ModuleFor(2).forward(student), teacher, TokenSRLossKind.KL);
        optimizer.zero_grad();
        before.backward();
        optimizer.step();
        using var noGrad = torch.no_grad();
        var after = TokenSRLoss.Compute(bank.ModuleFor(2).forward(student), teacher, TokenSRLossKind.KL);
        Assert.True(after.item<float>() < before.item<float>(), $"loss {before.item<float>()} → {after.item<float>()}");
        // Untrained TokenSR is exactly interpolation (zero-initialised last conv).
        Assert.Equal(TokenSRLoss.Compute(TokenSR.Interpolate(student, 2), teacher, TokenSRLossKind.KL).item<float>(), before.item<float>(), 6);
    }

    /// <summary>Synthetic pairs with a learnable relation (teacher = a per-channel affine map of the interpolation).</summary>
    private static TokenSRPairSet SyntheticPairs(int samples = 40, int d = 16)
    {
        torch.manual_seed(11);
        var gain = torch.rand(1, d, 1, 1) * 2;
        var layers = new List<(int, Tensor, Tensor, TokenSRPairInfo[])>();
        foreach (var layer in new[] { 2, 3 })
        {
            var s = torch.randn(samples, d, 2, 2);
            var t = TokenSR.Interpolate(s, 2) * gain + 0.3 * layer;
            var infos = Enumerable.Range(0, samples).Select(i => new TokenSRPairInfo(i, $"s{i}", layer, 0, 0, [0, 0, 1, 1], false, 0.1)).ToArray();
            layers.Add((layer, s, t, infos));
        }
        return new TokenSRPairSet(layers);
    }

    private static readonly TokenSRTrainingOptions Quick = new()
    {
        Steps = 8, BatchSize = 8, LearningRate = 5e-3, EvalEvery = 4, CheckpointEvery = 4, ValFraction = 0.2, Width = 8,
    };

    [Fact]
    public void InterruptedTraining_ResumesToTheSameResultAsAnUninterruptedRun()
    {
        using var temp = new TempFolder();
        using var pairs = SyntheticPairs();
        var straight = new TokenSRTrainer(Quick, temp.File("a")).Train(pairs, "k");

        using var cts = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Step == 6) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new TokenSRTrainer(Quick, temp.File("b")).Train(pairs, "k", progress, cts.Token));
        string? resumedFrom = null;
        var resumed = new TokenSRTrainer(Quick, temp.File("b")).Train(pairs, "k", new Inline(p => resumedFrom ??= p.Message));
        Assert.Contains("resumed from step 4", resumedFrom);

        var a = straight.Bank.state_dict();
        var b = resumed.Bank.state_dict();
        foreach (var (name, tensor) in a) TensorAssert.Identical(tensor, b[name], name);
        Assert.Equal(straight.ValLoss, resumed.ValLoss);

        // A checkpoint made on other features is not silently resumed.
        Assert.Throws<InvalidOperationException>(() => new TokenSRTrainer(Quick, temp.File("b")).Train(pairs, "other-key"));

        // Nor one made with another thread count (the bytes would match neither run).
        var threads = torch.get_num_threads();
        torch.set_num_threads(threads == 1 ? 2 : 1);
        try
        {
            Assert.Contains("libtorch thread", Assert.Throws<InvalidOperationException>(() => new TokenSRTrainer(Quick, temp.File("b")).Train(pairs, "k")).Message);
        }
        finally
        {
            torch.set_num_threads(threads);
        }

        // A torn trainer state is named, not a JSON stack trace.
        foreach (var state in Directory.GetFiles(temp.File("b"), "trainer_state.json", SearchOption.AllDirectories))
            File.WriteAllText(state, "{\"Step\": 4, \"CacheK");
        var torn = Assert.Throws<InvalidDataException>(() => new TokenSRTrainer(Quick, temp.File("b")).Train(pairs, "k"));
        Assert.Contains("trainer_state.json", torn.Message);
        Assert.Contains("not valid JSON", torn.Message);
    }

    [Fact]
    public void Training_BeatsInterpolationOnHeldOutPairs_AndTheBankFileRoundTrips()
    {
        using var temp = new TempFolder();
        using var pairs = SyntheticPairs();
        var options = Quick with { Steps = 40, LearningRate = 1e-2, EvalEvery = 20, CheckpointEvery = 40 };
        var result = new TokenSRTrainer(options, temp.File("w")).Train(pairs, "k");
        Assert.Equal(64, result.TrainPairs); // 40 samples × 2 layers, 8 samples held out
        Assert.Equal(16, result.ValPairs);
        foreach (var layer in new[] { 2, 3 })
            Assert.True(result.ValLoss[layer] < result.InterpValLoss[layer], $"layer {layer}: TokenSR {result.ValLoss[layer]} vs interp {result.InterpValLoss[layer]}");
        Assert.Contains(result.Curve, c => c.ValLoss is not null && c.InterpValLoss is not null);

        var path = temp.File("out/tokensr.safetensors");
        TokenSRBankArtifact.Save(result, path, 2, options, "k", "tiny");
        var loaded = TokenSRBankFile.Load(path, result.Bank.HiddenSize);
        Assert.Equal(result.Bank.Layers, loaded.Layers);
        foreach (var (name, tensor) in result.Bank.state_dict()) TensorAssert.Identical(tensor, loaded.state_dict()[name], name);
    }

    private sealed class Inline(Action<TokenSRTrainingProgress> report) : IProgress<TokenSRTrainingProgress>
    {
        public void Report(TokenSRTrainingProgress value) => report(value);
    }
}
