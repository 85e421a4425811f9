#:project ../src/Blink.Workbench/Blink.Workbench.csproj
// TokenSR training steps (one layer: forward, KL loss, backward, AdamW) while GcPressure collects on another thread,
// with TorchSharp's own AdamW or the workbench's (Training.AdamW), to see whether TorchSharp's step still passes
// temporary Scalars that a collection can free mid-call (docs/performance.md, "Object lifetimes under the garbage
// collector"). Usage: dotnet run eng/adamw-gc-race.cs -- [steps, default 40000] [torchsharp | workbench]
// Exits 1 at the first failing step.
using Blink.Workbench.Methods;
using Blink.Workbench.Performance;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

var steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 40_000;
var which = args.Length > 1 ? args[1] : "torchsharp";
if (which is not ("torchsharp" or "workbench")) { Console.Error.WriteLine($"optimizer '{which}': expected torchsharp or workbench"); return 2; }
torch.set_num_threads(1);
torch.manual_seed(0);
using var bank = new TokenSRBank([0], 128, 16);
using optim.Optimizer optimizer = which == "torchsharp"
    ? torch.optim.AdamW(bank.parameters(), lr: 1e-3, weight_decay: 0.01)
    : new Blink.Workbench.Training.AdamW(bank.parameters(), lr: 1e-3, weight_decay: 0.01);
using var student = torch.randn(8, 128, 2, 2);
using var teacher = torch.randn(8, 128, 4, 4);
Console.WriteLine($"{which} AdamW, {steps} steps, {GcPressure.Describe()}");
using var pressure = new GcPressure(1);
for (var step = 0; step < steps; step++)
{
    try
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        TokenSRLoss.Compute(bank.forward((0, student)), teacher, TokenSRLossKind.KL).backward();
        optimizer.step();
    }
    catch (Exception e)
    {
        Console.WriteLine($"FAILED at step {step + 1}: {e.Message.Split('\n')[0]}\n{string.Join("\n", e.StackTrace!.Split('\n').Take(4))}");
        return 1;
    }
}
Console.WriteLine($"{steps} steps clean; GCs gen0/1/2 = {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
return 0;
