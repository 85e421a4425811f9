using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Training;
using Spectre.Console;
using TorchSharp;

namespace Blink.Cli.Commands;

/// <summary><c>blink train-base</c>: reproduces the embedded tiny model from its seed (resumable).</summary>
internal static class TrainBaseCommand
{
    public static Command Create()
    {
        var defaults = new BaseTrainingOptions();
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var samples = new Option<int>("--train-samples") { Description = "Distinct training scenes", DefaultValueFactory = _ => defaults.TrainSamples };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => defaults.Seed };
        var work = new Option<string>("--work") { Description = "Folder for checkpoints (resumed from if present)", DefaultValueFactory = _ => "artifacts/train-base" };
        var output = new Option<string>("--out") { Description = "Where the trained model folder is written", DefaultValueFactory = _ => "artifacts/train-base/model" };
        var fresh = new Option<bool>("--no-resume") { Description = "Ignore an existing checkpoint and start over" };
        var zooms = new Option<int>("--zoom-variants") { Description = "Random zoomed views per scene (0 = whole images only)", DefaultValueFactory = _ => defaults.ZoomVariants };
        var categories = new Option<string[]>("--categories") { Description = "Question families to train on (default: all)", AllowMultipleArgumentsPerToken = true };
        var warmup = new Option<int>("--warmup") { Description = "Warm-up steps", DefaultValueFactory = _ => defaults.WarmupSteps };
        var evidence = new Option<bool>("--evidence-views") { Description = "Also train on each scene's tight evidence crop", DefaultValueFactory = _ => defaults.EvidenceViews };
        var patchWeight = new Option<double>("--patch-loss") { Description = "Weight of the per-token object/colour loss (0 = answers only)", DefaultValueFactory = _ => defaults.PatchLossWeight };
        var evalEvery = new Option<int>("--eval-every") { Description = "Validate (whole and zoomed views) every N steps", DefaultValueFactory = _ => defaults.EvalEvery };
        var grounding = new Option<double>("--grounding-loss") { Description = "Weight of the loss pulling the last prompt token's attention (Blink's layers) to the evidence box (0 = off)", DefaultValueFactory = _ => defaults.GroundingLossWeight };
        var visionSteps = new Option<int>("--vision-steps") { Description = "First-stage steps training only the vision tower on per-token targets (0 = none)", DefaultValueFactory = _ => defaults.VisionSteps };
        var categoryWeights = new Option<string[]>("--category-weight")
        {
            Description = "Share of a question family in the answer stage, as family=weight (others keep weight 1), e.g. --category-weight count=1.5 color=0.5",
            AllowMultipleArgumentsPerToken = true,
        };
        var countObjects = new Option<bool>("--ground-count-on-objects") { Description = "Grounding target of count questions: the counted objects, not the whole frame", DefaultValueFactory = _ => defaults.GroundCountOnObjects };
        var positionWeight = new Option<double>("--patch-position-loss") { Description = "Weight of a per-token grid row/column target beside the object targets, keeping where a token is in its feature (0 = off)", DefaultValueFactory = _ => defaults.PatchPositionLossWeight };
        var balanced = new Option<bool>("--balanced-patch-loss") { Description = "Average the per-token object loss over object tokens and empty tokens separately (--balanced-patch-loss false: one mean over all tokens)", DefaultValueFactory = _ => defaults.BalancedPatchLoss };
        var cover = new Option<double>("--patch-label-cover") { Description = "Per-token targets on every token an object covers by at least this share of the smaller of object and token (0 = the token under its centre only)", DefaultValueFactory = _ => defaults.PatchLabelCover };
        var testbed = TestbedCommand.NewOptionsFileOption();
        var threads = new Option<int>("--threads") { Description = $"CPU threads for libtorch, 1 to {Environment.ProcessorCount} (0 = auto: 1, fastest for this small model); bytes repeat only at the same count", DefaultValueFactory = _ => 0 };
        var command = new Command("train-base", "Train the embedded tiny LLaVA from scratch on the synthetic testbed (zoom augmentation on; resumable).")
        {
            steps, batch, lr, samples, seed, work, output, fresh, zooms, categories, warmup, threads, evidence, patchWeight, evalEvery, visionSteps, grounding,
            testbed, categoryWeights, countObjects, positionWeight, balanced, cover,
        };
        command.SetAction(result => CliErrors.Run(() =>
        {
            torch.set_num_threads(DeviceOptions.CheckThreads(result.GetValue(threads)) is var n and > 0 ? n : 1); // the embedded model is 256 wide: one thread is fastest
            var options = defaults with
            {
                Steps = result.GetValue(steps), BatchSize = result.GetValue(batch), LearningRate = result.GetValue(lr),
                TrainSamples = result.GetValue(samples), Seed = result.GetValue(seed),
                ZoomVariants = result.GetValue(zooms), WarmupSteps = result.GetValue(warmup),
                EvidenceViews = result.GetValue(evidence), PatchLossWeight = result.GetValue(patchWeight), EvalEvery = result.GetValue(evalEvery), VisionSteps = result.GetValue(visionSteps), GroundingLossWeight = result.GetValue(grounding), GroundCountOnObjects = result.GetValue(countObjects),
                PatchPositionLossWeight = result.GetValue(positionWeight),
                BalancedPatchLoss = result.GetValue(balanced),
                PatchLabelCover = result.GetValue(cover),
                Testbed = TestbedCommand.Resolve(result.GetValue(testbed)),
            };
            if (result.GetValue(categories) is { Length: > 0 } cats) options = options with { Testbed = options.Testbed with { Categories = cats } };
            if (result.GetValue(categoryWeights) is { Length: > 0 } pairs) options = options with { CategoryWeights = ParseWeights(pairs) };
            var trainer = new BaseTrainer(options, result.GetValue(work)!);
            var printer = new ProgressPrinter();
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Message is not null) { printer.Line(p.Message, force: true); return; }
                var val = p.ValAccuracy is { } a ? $"  val acc {a:P1} (zoomed {p.ValZoomAccuracy:P1})" : "";
                printer.Line($"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  lr {p.LearningRate:G3}{val}  elapsed {ProgressPrinter.Eta(p.Elapsed)}  ETA {ProgressPrinter.Eta(p.Remaining)}", force: p.ValAccuracy is not null || p.ValTokenKind is not null);
                if (p.ValTokenKind is { } kind && p.ValZoomTokenKind is { } zkind)
                    printer.Line("  object tokens' kind from the per-token head (whole / zoomed): " + string.Join("  ", kind.Keys.Order().Select(k => $"{k} {kind[k]:P0}/{zkind.GetValueOrDefault(k):P0}")), force: true);
                if (p.ValPerCategory is { } per && p.ValZoomPerCategory is { } zper)
                    printer.Line("  per category (whole / zoomed): " + string.Join("  ", per.Keys.Order().Select(k => $"{k} {per[k]:P0}/{zper.GetValueOrDefault(k):P0}")), force: true);
            });
            using var bundle = trainer.Run(progress, cts.Token, resume: !result.GetValue(fresh));
            var folder = result.GetValue(output)!;
            bundle.Save(folder);
            File.WriteAllText(Path.Combine(folder, "train_history.json"), JsonSerializer.Serialize(new { options, history = trainer.LastHistory }, new JsonSerializerOptions { WriteIndented = true }));
            AnsiConsole.MarkupLineInterpolated($"saved the trained model to [green]{folder}[/]");
            return 0;
        }));
        return command;
    }

    /// <summary>Parses <c>family=weight</c> pairs; the error names the pair that is not one.</summary>
    internal static IReadOnlyDictionary<string, double> ParseWeights(IEnumerable<string> pairs)
    {
        var weights = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
                throw new ArgumentException($"--category-weight '{pair}': expected family=weight, e.g. count=1.5.");
            if (!weights.TryAdd(parts[0], weight))
                throw new ArgumentException($"--category-weight names '{parts[0]}' twice.");
        }
        return weights;
    }
}
