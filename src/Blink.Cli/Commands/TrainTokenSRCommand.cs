using System.CommandLine;
using System.Globalization;
using Blink.Workbench.Methods;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Models;
using Blink.Workbench.Training;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink train-tokensr</c>: extracts teacher/student pairs with the frozen model into a keyed, sharded feature cache
/// (<c>--extract-only --num-chunks n --chunk-idx i</c> runs one shard, e.g. as an array job; <c>--merge</c> checks the
/// shards and writes the manifest), then trains one TokenSR per Blink layer on the cache (resumable) and saves the bank.
/// Without <c>--extract-only</c>/<c>--merge</c> it does everything: missing shards, merge, training.
/// </summary>
internal static class TrainTokenSRCommand
{
    public static Command Create()
    {
        var defaults = new TokenSRTrainingOptions();
        var shared = new TokenSRCliShared();
        var device = new DeviceOptions();
        var samples = new Option<int>("--samples") { Description = "Testbed training samples to extract pairs from", DefaultValueFactory = _ => 1000 };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch-size") { Description = "Pairs per layer per step", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var loss = new Option<string>("--loss") { Description = "kl, cosine or mse", DefaultValueFactory = _ => "kl" };
        var temperature = new Option<double>("--temperature") { Description = "KL temperature", DefaultValueFactory = _ => defaults.Temperature };
        var width = new Option<int>("--width") { Description = "TokenSR refinement width (0 = default for the hidden size)", DefaultValueFactory = _ => 0 };
        var ratio = new Option<double>("--random-region-ratio") { Description = "Share of random (not SGS-argmax) regions", DefaultValueFactory = _ => 0.2 };
        var share = new Option<bool>("--share-region") { Description = "One region and one crop forward per sample for all layers" };
        var seed = new Option<int>("--seed") { Description = "Seed of the region draws and of training", DefaultValueFactory = _ => 1 };
        var numChunks = new Option<int>("--num-chunks") { Description = "Extraction shards (LLaVA convention)", DefaultValueFactory = _ => 1 };
        var chunkIdx = new Option<int>("--chunk-idx") { Description = "Extract only this shard (with --extract-only)", DefaultValueFactory = _ => -1 };
        var extractOnly = new Option<bool>("--extract-only") { Description = "Extract (this shard, or all missing shards) and stop" };
        var merge = new Option<bool>("--merge") { Description = "Check all shards and write the cache manifest, then stop" };
        var rebuild = new Option<bool>("--rebuild-cache") { Description = "Re-extract shards that were cached under another model/prompt/policy" };
        var fresh = new Option<bool>("--no-resume") { Description = "Ignore an existing training checkpoint" };
        var work = new Option<string>("--work") { Description = "Folder for the feature cache and checkpoints", DefaultValueFactory = _ => "artifacts/train-tokensr" };
        var output = new Option<string>("--out") { Description = "Trained bank (.safetensors; a .json beside it). Default: WORK/tokensr.safetensors" };
        var command = new Command("train-tokensr", "Train TokenSR against the frozen model's hidden states on zoomed crops (cached, sharded, resumable).")
        {
            samples, steps, batch, lr, loss, temperature, width, ratio, share, seed, numChunks, chunkIdx, extractOnly, merge, rebuild, fresh, work, output,
        };
        shared.AddTo(command);
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var resolved = shared.Resolve(result);
            var (dev, dtype) = device.Resolve(result, resolved.ModelDir);
            var recipe = new TokenSRRecipeOptions
            {
                NumChunks = result.GetValue(numChunks), ChunkIndex = result.GetValue(chunkIdx), ExtractOnly = result.GetValue(extractOnly),
                MergeOnly = result.GetValue(merge), Rebuild = result.GetValue(rebuild), Resume = !result.GetValue(fresh),
            };
            recipe.Validate();
            if (result.GetValue(samples) is var sampleCount and < 10) throw new ArgumentException($"--samples must be ≥ 10 (a tenth of the pairs is held out for validation), got {sampleCount}.");
            if (result.GetValue(steps) is var stepCount and < 1) throw new ArgumentException($"--steps must be ≥ 1, got {stepCount}.");
            if (result.GetValue(batch) is var batchSize and < 1) throw new ArgumentException($"--batch-size must be ≥ 1, got {batchSize}.");
            var workDir = result.GetValue(work)!;
            var printer = new ProgressPrinter();
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

            var blink = resolved.Blink;
            using var bundle = ModelBundle.Load(resolved.ModelDir, dev, dtype, m => printer.Line(m, force: true), weightProgress: printer.Weights);
            var extraction = new TokenSRExtractionOptions
            {
                Blink = blink, RandomRegionRatio = result.GetValue(ratio), Seed = result.GetValue(seed), ShareRegionAcrossLayers = result.GetValue(share),
            };
            var data = TokenSRCliShared.Testbed(bundle, TestbedSplit.Train, result.GetValue(samples));
            AnsiConsole.MarkupLineInterpolated($"[bold]train-tokensr[/] {bundle.ModelId}: layers {blink.FirstLayer}–{blink.LastLayer}, p = {blink.PatchSize}, ×{blink.Scale}, {data.Count} samples, cache {Path.Combine(workDir, "cache")}");
            var options = defaults with
            {
                Seed = result.GetValue(seed), Steps = result.GetValue(steps), BatchSize = result.GetValue(batch), LearningRate = result.GetValue(lr),
                Loss = TokenSRLoss.Parse(result.GetValue(loss)!), Temperature = result.GetValue(temperature),
                Width = result.GetValue(width) > 0 ? result.GetValue(width) : null,
            };
            var progress = new SynchronousProgress<TokenSRTrainingProgress>(p =>
            {
                if (p.Message is not null) { printer.Line(p.Message, force: true); return; }
                var val = p.ValLoss is { } v ? $"  val {v:G4} (interp {p.InterpValLoss:G4})" : "";
                printer.Line($"step {p.Step}/{p.TotalSteps}  loss {p.Loss:G4}  lr {p.LearningRate:G3}{val}  elapsed {ProgressPrinter.Eta(p.Elapsed)}  ETA {ProgressPrinter.Eta(p.Remaining)}", force: p.ValLoss is not null);
            });
            var outcome = TokenSRRecipe.Run(bundle, extraction, data, options, workDir, result.GetValue(output), recipe,
                new TokenSRRecipeProgress(new SynchronousProgress<string>(m => printer.Line(m, force: true)), new SynchronousProgress<string>(m => printer.Line(m)), progress), cts.Token);
            if (outcome.Trained is not { } trained) return 0;
            foreach (var layer in trained.Bank.Layers.Where(trained.ValLoss.ContainsKey))
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"layer {layer}: val {options.Loss} TokenSR {trained.ValLoss[layer]:G4} vs interpolation {trained.InterpValLoss[layer]:G4}");
            trained.Bank.Dispose();
            AnsiConsole.MarkupLineInterpolated($"saved the TokenSR bank to [green]{outcome.BankPath}[/] (+ {Path.GetFileName(TokenSRBankFile.MetaPath(outcome.BankPath!))})");
            return 0;
        }));
        return command;
    }
}
