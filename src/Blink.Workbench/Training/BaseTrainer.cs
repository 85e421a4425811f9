using System.Diagnostics;
using System.Text.Json;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.IO;
using Blink.Workbench.Models;
using Blink.Workbench.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// Trains the embedded tiny LLaVA from scratch on the testbed: next-token cross-entropy on "answer &lt;/s&gt;" after the
/// prompt, AdamW with warm-up and cosine decay, half of the examples zoomed (so zoomed views — the TokenSR teacher — are
/// in distribution). Reproducible from its seed; checkpoints atomically and resumes where it stopped.
/// </summary>
public sealed class BaseTrainer
{
    private const string StateFile = "trainer_state.json";
    private readonly BaseTrainingOptions _options;
    private readonly string _workDir;

    public BaseTrainer(BaseTrainingOptions options, string workDir)
    {
        options.Validate();
        _options = options;
        _workDir = workDir;
    }

    public string CheckpointDir => Path.Combine(_workDir, "checkpoint");

    /// <param name="Options">The options the checkpoint was trained with (JSON); a resume under other options is refused.</param>
    public sealed record TrainerState(int Step, List<TrainingProgress> History, string? Options = null);

    /// <summary>Runs (or resumes) training and returns the trained bundle.</summary>
    public ModelBundle Run(IProgress<TrainingProgress>? progress = null, CancellationToken ct = default, bool resume = true)
    {
        var tokenizer = Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer();
        var generator = new TestbedGenerator(_options.Testbed);
        var preprocessor = new ImagePreprocessor(new ImagePreprocessOptions { Size = _options.Testbed.InputSize, PatchSize = _options.Testbed.PatchSize });
        torch.manual_seed(_options.Seed);
        var config = TinyModelConfig.Create(tokenizer, _options.Testbed.InputSize, _options.Testbed.PatchSize);
        var model = new LlavaForConditionalGeneration(config);
        if (_options.HuggingFaceInit) ModelInitialization.HuggingFace(model);
        var bundle = new ModelBundle(model, tokenizer, PromptTemplate.Testbed, preprocessor, "blink-tiny-testbed");
        var source = new TestbedExampleSource(generator, preprocessor, bundle.Prompts, _options.GroundCountOnObjects, _options.PatchLabelCover > 0 ? _options.PatchLabelCover : null);

        // Training-only head for the dense patch targets (PatchLabels); never part of the model checkpoint.
        var patchHead = nn.Linear(config.TextConfig.HiddenSize, PatchLabels.KindClasses + PatchLabels.ColorClasses);
        // Created only when asked for, so that runs without it draw the same initial weights as before it existed.
        var grid = config.VisionConfig.GridSize;
        var positionHead = _options.PatchPositionLossWeight > 0 ? nn.Linear(config.TextConfig.HiddenSize, 2 * grid) : null;
        var headParameters = positionHead is null ? patchHead.parameters() : patchHead.parameters().Concat(positionHead.parameters());
        var optimizer = torch.optim.AdamW(model.parameters().Concat(headParameters), lr: _options.LearningRate, weight_decay: _options.WeightDecay);
        var visionSteps = _options.VisionSteps;
        var totalSteps = visionSteps + _options.Steps;
        var state = new TrainerState(0, [], OptionsJson);
        var found = resume ? TrainingCheckpoint.Find(CheckpointDir, StateFile) : null;
        if (found is not null)
        {
            CheckpointLoader.Load(model, Path.Combine(found, "model.safetensors"));
            CheckpointLoader.Load(patchHead, Path.Combine(found, "patch_head.safetensors"));
            if (positionHead is not null) CheckpointLoader.Load(positionHead, Path.Combine(found, "position_head.safetensors"));
            optimizer.load_state_dict(Path.Combine(found, "optimizer.bin"));
            state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(found, StateFile)))
                    ?? throw new InvalidDataException($"{found}/{StateFile}: empty trainer state.");
            if (state.Options is not null && state.Options != OptionsJson)
                throw new InvalidOperationException(
                    $"The checkpoint in {found} was trained with other options ({state.Options}); resuming it under {OptionsJson} would mix two runs. " +
                    "Use another work folder, or start over (--no-resume).");
            progress?.Report(new TrainingProgress(state.Step, totalSteps, double.NaN, 0, TimeSpan.Zero, TimeSpan.Zero, null, $"resumed from step {state.Step} ({found})"));
        }

        progress?.Report(new TrainingProgress(state.Step, totalSteps, double.NaN, 0, TimeSpan.Zero, TimeSpan.Zero, null, $"rendering {_options.TrainSamples} training scenes ×{1 + (_options.EvidenceViews ? 1 : 0) + _options.ZoomVariants} views…"));
        var pool = ExamplePool.Build(source, TestbedSplit.Train, _options.TrainSamples, _options.ZoomVariants,
            (n, total) => progress?.Report(new TrainingProgress(state.Step, totalSteps, double.NaN, 0, TimeSpan.Zero, TimeSpan.Zero, null, $"rendered {n}/{total} scenes")), ct, _options.EvidenceViews);
        var val = ExamplePool.Views(source, TestbedSplit.Val, 0, _options.EvalSamples, TestbedView.Base).All;
        var valZoom = ExamplePool.Views(source, TestbedSplit.Val, 0, _options.EvalSamples, TestbedView.EvidenceCrop).All;

        var weighted = _options.CategoryWeights is { } weights
            ? new CategoryWeightedSampler(pool.All.Select(e => e.Category).ToArray(), weights, _options.Seed)
            : null;

        var clock = Stopwatch.StartNew();
        var startStep = state.Step;
        model.train();
        var lossWindow = new Queue<double>();
        var groundingLayers = _options.GroundingLossWeight > 0 ? GroundingLayers(config) : null;
        // The per-token targets: object kind and colour, plus the token's grid place when asked for.
        Tensor TokenLoss(Tensor features, IReadOnlyList<TestbedExample> examples) => positionHead is null
            ? PatchLoss(patchHead.forward(features), examples, _options.BalancedPatchLoss)
            : PatchLoss(patchHead.forward(features), examples, _options.BalancedPatchLoss).Plus(_options.PatchPositionLossWeight * PositionLoss(positionHead.forward(features), grid));
        for (var step = state.Step; step < totalSteps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var visionOnly = step < visionSteps;
            if (step == visionSteps) lossWindow.Clear(); // the answer loss starts here; do not average it with the patch loss
            // Each stage warms up and decays on its own: the decoder starts from scratch when the second stage begins.
            var lr = visionOnly
                ? CosineSchedule.At(step, visionSteps, _options.WarmupSteps, _options.LearningRate)
                : CosineSchedule.At(step - visionSteps, _options.Steps, _options.WarmupSteps, _options.LearningRate);
            foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
            double loss;
            using (var scope = NewDisposeScope())
            {
                var examples = weighted is not null && !visionOnly
                    ? weighted.Batch(step, _options.BatchSize).Select(i => pool[i]).ToArray()
                    : BatchFor(step, pool);
                using var batch = TestbedBatch.Create(examples, tokenizer.PadId, tokenizer.EosId, withAnswer: true, model.Device);
                var features = model.GetImageFeatures(batch.Pixels);
                Tensor lossTensor;
                if (visionOnly) lossTensor = TokenLoss(features, examples);
                else
                {
                    var grounding = groundingLayers is null ? null : GroundingObserver(examples, batch, groundingLayers);
                    var logits = model.forward(new LlavaInput(batch.InputIds, null, Interceptor: grounding, Logits: LogitsMode.All, ImageFeatures: features)).Logits;
                    lossTensor = AnswerLoss(logits, batch, tokenizer.EosId);
                    if (grounding is not null) lossTensor = lossTensor.Plus(_options.GroundingLossWeight * grounding.Loss());
                    if (_options.PatchLossWeight > 0) lossTensor = lossTensor.Plus(_options.PatchLossWeight * TokenLoss(features, examples));
                }
                optimizer.zero_grad();
                lossTensor.backward();
                nn.utils.clip_grad_norm_(model.parameters(), _options.GradientClip);
                optimizer.step();
                loss = lossTensor.item<float>();
            }
            lossWindow.Enqueue(loss);
            if (lossWindow.Count > 50) lossWindow.Dequeue();
            var done = step + 1;
            var rate = clock.Elapsed.TotalSeconds / Math.Max(1, done - startStep);
            var remaining = TimeSpan.FromSeconds(rate * (totalSteps - done));
            var report = new TrainingProgress(done, totalSteps, lossWindow.Average(), lr, clock.Elapsed, remaining);
            var validate = done > visionSteps && (done % _options.EvalEvery == 0 || done == totalSteps);
            if (validate || (done == visionSteps && _options.PatchLossWeight > 0))
            {
                // Evaluation mode draws no random numbers, so validating does not change the trained weights.
                model.eval();
                report = report with { ValTokenKind = PatchLabels.KindAccuracy(model, patchHead, val), ValZoomTokenKind = PatchLabels.KindAccuracy(model, patchHead, valZoom) };
                if (validate)
                {
                    var (baseAcc, basePer) = ClosedSetPredictor.Accuracy(val, ClosedSetPredictor.Predict(model, val, tokenizer.PadId, tokenizer.EosId));
                    var (zoomAcc, zoomPer) = ClosedSetPredictor.Accuracy(valZoom, ClosedSetPredictor.Predict(model, valZoom, tokenizer.PadId, tokenizer.EosId));
                    report = report with { ValAccuracy = baseAcc, ValZoomAccuracy = zoomAcc, ValPerCategory = basePer, ValZoomPerCategory = zoomPer };
                }
                model.train();
            }
            if (done % 10 == 0 || report.ValAccuracy is not null || report.ValTokenKind is not null) state.History.Add(report);
            progress?.Report(report);
            if (done % _options.CheckpointEvery == 0 || done == totalSteps)
            {
                var snapshot = state with { Step = done };
                TrainingCheckpoint.Save(CheckpointDir, dir =>
                {
                    CheckpointLoader.Save(model, Path.Combine(dir, "model.safetensors"));
                    CheckpointLoader.Save(patchHead, Path.Combine(dir, "patch_head.safetensors"));
                    if (positionHead is not null) CheckpointLoader.Save(positionHead, Path.Combine(dir, "position_head.safetensors"));
                    optimizer.save_state_dict(Path.Combine(dir, "optimizer.bin"));
                    File.WriteAllText(Path.Combine(dir, StateFile), JsonSerializer.Serialize(snapshot));
                });
                state = snapshot;
            }
        }
        model.eval();
        LastHistory = state.History;
        return bundle;
    }

    private string OptionsJson => JsonSerializer.Serialize(_options with { EvalEvery = 0, CheckpointEvery = 0 });

    /// <summary>The loss/accuracy curve of the latest run (including the part before a resume).</summary>
    public IReadOnlyList<TrainingProgress> LastHistory { get; private set; } = [];

    /// <summary>Deterministic batch of a step: a seeded permutation of the pool per epoch.</summary>
    private TestbedExample[] BatchFor(int step, ExamplePool pool)
    {
        var perEpoch = pool.Count / _options.BatchSize;
        var epoch = step / perEpoch;
        var offset = step % perEpoch * _options.BatchSize;
        var order = Permutation(pool.Count, _options.Seed * 7919 + epoch);
        return Enumerable.Range(offset, _options.BatchSize).Select(i => pool[order[i]]).ToArray();
    }

    private int[]? _orderCache;
    private int _orderSeed = int.MinValue;

    private int[] Permutation(int n, int seed)
    {
        if (_orderCache is not null && _orderSeed == seed) return _orderCache;
        var rng = new Random(seed);
        var order = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(order);
        _orderCache = order;
        _orderSeed = seed;
        return order;
    }

    /// <summary>Where the grounding loss acts: the middle band of the decoder (the layers Blink scans by default).</summary>
    private static int[] GroundingLayers(LlavaConfig config) => [.. DecoderBand.Middle(config.TextConfig.NumHiddenLayers).Layers];

    /// <summary>The grounding observer of one batch, with its examples' evidence masks as targets.</summary>
    private static GroundingLoss.Observer GroundingObserver(IReadOnlyList<TestbedExample> examples, TestbedBatch batch, int[] layers)
    {
        var n = examples[0].EvidenceMask?.Length ?? throw new InvalidOperationException("training examples need evidence masks");
        var targets = torch.tensor(examples.SelectMany(e => e.EvidenceMask!).ToArray(), [examples.Count, n], device: batch.InputIds.device);
        return new GroundingLoss.Observer(layers, batch.LastPromptIndex, targets);
    }

    /// <summary>Cross-entropy of each visual token's object kind and colour (PatchLabels), averaged over tokens.</summary>
    internal static Tensor PatchLoss(Tensor predictions, IReadOnlyList<TestbedExample> examples, bool balanced)
    {
        var kinds = torch.tensor(examples.SelectMany(e => e.PatchKinds ?? throw new InvalidOperationException("training examples need patch labels")).Select(k => (long)k).ToArray(), device: predictions.device);
        var colors = torch.tensor(examples.SelectMany(e => e.PatchColors!).Select(c => (long)c).ToArray(), device: predictions.device);
        var flat = predictions.reshape(-1, predictions.shape[^1]);
        var kindLogits = flat.narrow(1, 0, PatchLabels.KindClasses);
        var colorLogits = flat.narrow(1, PatchLabels.KindClasses, PatchLabels.ColorClasses);
        if (!balanced) return nn.functional.cross_entropy(kindLogits, kinds).Plus(nn.functional.cross_entropy(colorLogits, colors));
        var objects = kinds.ne(0).to_type(flat.dtype);
        var empty = 1 - objects;
        // Mean over object tokens plus mean over empty tokens: each group counts the same, however few objects there are.
        Tensor Balanced(Tensor logits, Tensor labels)
        {
            var each = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None);
            return (each * objects).sum() / objects.sum().clamp_min(1) + (each * empty).sum() / empty.sum().clamp_min(1);
        }
        return Balanced(kindLogits, kinds).Plus(Balanced(colorLogits, colors));
    }

    /// <summary>Cross-entropy of each visual token's own grid row and column (tokens are in row-major order).</summary>
    internal static Tensor PositionLoss(Tensor predictions, int grid)
    {
        var flat = predictions.reshape(-1, 2 * grid);
        var index = TensorMath.Arange(grid * grid, ScalarType.Int64, predictions.device).repeat(predictions.shape[0]);
        var rows = index.div(grid, rounding_mode: RoundingMode.floor);
        var cols = index.remainder(grid);
        return nn.functional.cross_entropy(flat.narrow(1, 0, grid), rows).Plus(nn.functional.cross_entropy(flat.narrow(1, grid, grid), cols));
    }

    /// <summary>Mean cross-entropy of predicting the answer (at the last prompt token) and &lt;/s&gt; (at the answer).</summary>
    private static Tensor AnswerLoss(Tensor logits, TestbedBatch batch, int eosId)
    {
        var b = batch.Size;
        var rows = TensorMath.Arange(b, ScalarType.Int64, logits.device);
        var at = torch.tensor(batch.LastPromptIndex, device: logits.device);
        var answerLogits = logits[rows, at];
        var eosLogits = logits[rows, at + 1];
        var answers = torch.tensor(batch.Answers, device: logits.device);
        var eos = torch.tensor(Enumerable.Repeat((long)eosId, b).ToArray(), device: logits.device);
        return nn.functional.cross_entropy(torch.cat([answerLogits, eosLogits]), torch.cat([answers, eos]));
    }
}
