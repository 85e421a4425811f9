using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public sealed class AdamWTests
{
    [Theory]
    [InlineData(0.0, false, false)]
    [InlineData(0.05, false, false)]
    [InlineData(0.05, true, false)]
    [InlineData(0.01, false, true)]
    public void UpdatesAreTorchSharpsAdamWBitForBit(double weightDecay, bool amsgrad, bool maximize)
    {
        using var reference = Seeded();
        using var safe = Seeded();
        using var a = torch.optim.AdamW(reference.parameters(), lr: 0.01, weight_decay: weightDecay, amsgrad: amsgrad, maximize: maximize);
        using var b = new Blink.Workbench.Training.AdamW(safe.parameters(), lr: 0.01, weight_decay: weightDecay, amsgrad: amsgrad, maximize: maximize);
        for (var step = 0; step < 12; step++)
        {
            Step(reference, a, step);
            Step(safe, b, step);
            AssertSameParameters(reference, safe, $"step {step + 1}");
        }
    }

    [Fact]
    public void ItsStateFileContinuesInTorchSharpsAdamW()
    {
        var path = Path.Combine(Path.GetTempPath(), $"blink-adamw-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            using var first = Seeded();
            using var safe = new Blink.Workbench.Training.AdamW(first.parameters(), lr: 0.01, weight_decay: 0.02);
            for (var step = 0; step < 4; step++) Step(first, safe, step);
            safe.save_state_dict(path);

            using var second = Seeded();
            foreach (var (p, q) in first.parameters().Zip(second.parameters()))
                using (torch.no_grad()) q.copy_(p);
            using var reference = torch.optim.AdamW(second.parameters(), lr: 0.01, weight_decay: 0.02);
            reference.load_state_dict(path);
            for (var step = 4; step < 8; step++)
            {
                Step(first, safe, step);
                Step(second, reference, step);
            }
            AssertSameParameters(second, first, "after resuming from the other optimizer's state");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static nn.Module<Tensor, Tensor> Seeded()
    {
        torch.manual_seed(7);
        return nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3));
    }

    private static void Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int step)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(100 + step));
        var x = torch.randn([4, 6], generator: generator);
        var y = torch.randn([4, 3], generator: generator);
        optimizer.zero_grad();
        nn.functional.mse_loss(model.forward(x), y).backward();
        optimizer.step();
    }

    private static void AssertSameParameters(nn.Module model, nn.Module other, string when)
    {
        foreach (var ((name, p), (_, q)) in model.named_parameters().Zip(other.named_parameters()))
            TensorAssert.Identical(p, q, $"{name} {when}");
    }
}
