using System.CommandLine;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Performance;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink bench soak</c>: thousands of answers of vanilla, Blink-interp, Blink (TokenSR) and FastV, then TokenSR
/// training steps, in one process while a second thread keeps the garbage collector busy (<see cref="GcSoak"/>); exits 1 on any failure, differing
/// answer or leaked tensor. <c>eng/gc-soak.sh</c> runs it under the GC settings to check.
/// </summary>
internal static class SoakCommand
{
    public static Command Create()
    {
        var device = new DeviceOptions();
        var model = new Option<string>("--model") { Description = "Model folder", DefaultValueFactory = _ => PilotCommand.DefaultModel };
        var answers = new Option<int>("--answers") { Description = "Questions answered in all (methods take turns)", DefaultValueFactory = _ => 3000 };
        var samples = new Option<int>("--samples") { Description = "Distinct testbed questions the answers cycle through", DefaultValueFactory = _ => 40 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "New tokens per greedy decode", DefaultValueFactory = _ => 8 };
        var closedSetEvery = new Option<int>("--closed-set-every") { Description = "Every n-th round scores the closed answer set instead of decoding (0: never)", DefaultValueFactory = _ => 4 };
        var noPressure = new Option<bool>("--no-pressure") { Description = "Do not run the thread that keeps the GC busy" };
        var tokenSR = new Option<string?>("--tokensr") { Description = "A trained TokenSR bank (default: a seeded untrained one)" };
        var trainingSteps = new Option<int>("--training-steps") { Description = "TokenSR training steps after the answers (0: none)", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the pressure thread and the untrained TokenSR bank", DefaultValueFactory = _ => 0 };
        var command = new Command("soak", "Answer thousands of questions with every decoder intervention while the GC runs beside them; fails on any error, differing answer or leak.")
        {
            model, answers, samples, maxNewTokens, closedSetEvery, noPressure, tokenSR, trainingSteps, seed,
        };
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            if (result.GetValue(answers) < 1) throw new ArgumentException($"--answers must be ≥ 1, got {result.GetValue(answers)}.");
            if (result.GetValue(samples) < 1) throw new ArgumentException($"--samples must be ≥ 1, got {result.GetValue(samples)}.");
            if (result.GetValue(maxNewTokens) < 2) throw new ArgumentException($"--max-new-tokens must be ≥ 2 so decoding runs past the prefill, got {result.GetValue(maxNewTokens)}.");
            if (result.GetValue(closedSetEvery) < 0) throw new ArgumentException($"--closed-set-every must be ≥ 0 (0: never), got {result.GetValue(closedSetEvery)}.");
            if (result.GetValue(trainingSteps) < 0) throw new ArgumentException($"--training-steps must be ≥ 0 (0: none), got {result.GetValue(trainingSteps)}.");
            var options = new GcSoakOptions(result.GetValue(answers), result.GetValue(samples), result.GetValue(maxNewTokens), result.GetValue(closedSetEvery),
                !result.GetValue(noPressure), result.GetValue(seed), result.GetValue(trainingSteps));
            var folder = result.GetValue(model)!;
            var (dev, dtype) = device.Resolve(result, folder);
            var bankFile = result.GetValue(tokenSR);
            if (bankFile is not null && !File.Exists(bankFile)) throw new FileNotFoundException($"--tokensr {bankFile}: no such file.");
            using var bundle = ModelBundle.Load(folder, dev, dtype);
            using var bank = bankFile is null ? null : TokenSRBankFile.Load(bankFile, bundle.Model.Config.TextConfig.HiddenSize, dev);
            AnsiConsole.MarkupLineInterpolated($"soak: {options.Answers} answers on {bundle.ModelId}, {GcPressure.Describe()}, pressure {(options.Pressure ? "on" : "off")}, DOTNET_GCgen0size={Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "unset"}");
            var r = GcSoak.Run(bundle, options, bank, line => AnsiConsole.MarkupLineInterpolated($"  {line}"));
            foreach (var m in r.Mismatches.Take(20)) AnsiConsole.MarkupLineInterpolated($"  [red]mismatch[/] {m}");
            Console.WriteLine(r.Summary());
            return r.Clean ? 0 : 1;
        }));
        return command;
    }
}
