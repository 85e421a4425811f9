using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>One point of the loss curve (validation fields only on evaluation steps).</summary>
public sealed record TokenSRCurvePoint(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("val_loss")] double? ValLoss = null,
    [property: JsonPropertyName("interp_val_loss")] double? InterpValLoss = null,
    [property: JsonPropertyName("val_loss_per_layer")] Dictionary<string, double>? ValLossPerLayer = null);

/// <summary>The trained bank and how it got there.</summary>
public sealed record TokenSRTrainingResult(
    TokenSRBank Bank,
    IReadOnlyList<TokenSRCurvePoint> Curve,
    double FinalLoss,
    IReadOnlyDictionary<int, double> ValLoss,
    IReadOnlyDictionary<int, double> InterpValLoss,
    int TrainPairs,
    int ValPairs);

/// <summary>
/// Trains one TokenSR per Blink layer on cached teacher/student pairs. The backbone never runs here — its features
/// are tensors on disk — so it is frozen by construction and only the bank has parameters. Each step draws one
/// mini-batch per layer (a seeded permutation per layer and epoch), sums the layers' losses and takes one AdamW step
/// under a warm-up + cosine schedule. Validation reports the same loss for TokenSR and for plain interpolation
/// (Blink-interp, what an untrained TokenSR does) on held-out samples. Reproducible from the seed; checkpoints
/// atomically and resumes to the same result as an uninterrupted run.
/// </summary>
public sealed class TokenSRTrainer
{
    private const string StateFile = "trainer_state.json";
    private const string WeightsFile = "tokensr.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private readonly TokenSRTrainingOptions _options;
    private readonly string _workDir;

    public TokenSRTrainer(TokenSRTrainingOptions options, string workDir)
    {
        options.Validate();
        _options = options;
        _workDir = workDir;
    }

    public string CheckpointDir => Path.Combine(_workDir, "checkpoint");

    /// <param name="Threads">libtorch's intra-op threads: float reductions split by thread count, so the bytes of a bank
    /// repeat only at the same count (a resume with another count is refused).</param>
    internal sealed record TrainerState(int Step, string CacheKey, string Options, List<TokenSRCurvePoint> Curve, int Threads = 0);

    /// <summary>Reads a checkpoint's trainer state; a torn or hand-edited file is named with how to start over.</summary>
    internal static TrainerState ReadState(string statePath)
    {
        var found = Path.GetDirectoryName(statePath);
        try
        {
            var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(statePath))
                        ?? throw new InvalidDataException($"{statePath}: empty trainer state.");
            // A record takes a missing or null field as null; the resume compares the keys and extends the curve.
            if (state.CacheKey is null || state.Options is null || state.Curve is null || state.Curve.Any(p => p is null) || state.Step < 0)
                throw new InvalidDataException($"{statePath}: the trainer state lacks CacheKey, Options or Curve, or has a negative Step; delete {found} (or pass --no-resume) to start over.");
            return state;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{statePath}: the trainer state is not valid JSON ({e.Message}); delete {found} (or pass --no-resume) to start over.", e);
        }
    }

    /// <param name="pairs">All cached pairs; split by sample into train and validation here.</param>
    /// <param name="cacheKey">The feature cache's key hash: a checkpoint made on other features is not resumed.</param>
    public TokenSRTrainingResult Train(TokenSRPairSet pairs, string cacheKey, IProgress<TokenSRTrainingProgress>? progress = null,
        CancellationToken ct = default, bool resume = true, Device? device = null)
    {
        device ??= torch.CPU;
        var p = pairs.PatchSize;
        if (pairs.TeacherSize % p != 0) throw new ArgumentException($"Teacher side {pairs.TeacherSize} is not a multiple of the patch side {p}.");
        var scale = pairs.TeacherSize / p;
        var (train, val) = pairs.SplitBySample(_options.ValFraction);
        using var trainSet = train;
        using var valSet = val;
        if (trainSet.TotalCount == 0) throw new ArgumentException("No training pairs (every sample is held out for validation); extract more samples.");
        var layers = trainSet.Layers;

        torch.manual_seed(_options.Seed);
        var width = _options.Width ?? TokenSRBank.DefaultWidth(pairs.HiddenSize);
        var bank = new TokenSRBank(layers, pairs.HiddenSize, width, scale);
        bank.to(device);
        var optimizer = new AdamW(bank.parameters(), lr: _options.LearningRate, weight_decay: _options.WeightDecay);
        var optionsText = JsonSerializer.Serialize(_options with { EvalEvery = 0, CheckpointEvery = 0 });
        var threads = torch.get_num_threads();
        var state = new TrainerState(0, cacheKey, optionsText, [], threads);
        var found = resume ? TrainingCheckpoint.Find(CheckpointDir, StateFile) : null;
        if (found is not null)
        {
            var saved = ReadState(Path.Combine(found, StateFile));
            if (saved.CacheKey != cacheKey || saved.Options != optionsText)
                throw new InvalidOperationException($"{found} was trained on other features or with other options; start over with --no-resume (or another --work folder).");
            if (saved.Threads != threads)
                throw new InvalidOperationException($"{found} was trained with {saved.Threads} libtorch thread(s), this run has {threads}: the result would match neither run's bytes. Resume with --threads {saved.Threads}, or start over with --no-resume.");
            CheckpointLoader.Load(bank, Path.Combine(found, WeightsFile));
            optimizer.load_state_dict(Path.Combine(found, OptimizerFile));
            state = saved;
            progress?.Report(new TokenSRTrainingProgress(state.Step, _options.Steps, double.NaN, 0, TimeSpan.Zero, TimeSpan.Zero, Message: $"resumed from step {state.Step} ({found})"));
        }

        var trainData = layers.ToDictionary(l => l, l => (S: trainSet.Students(l).to(device), T: trainSet.Teachers(l).to(device)));
        var interpVal = valSet.TotalCount > 0 ? Evaluate(null, valSet, scale, device) : new Dictionary<int, double>();
        progress?.Report(new TokenSRTrainingProgress(state.Step, _options.Steps, double.NaN, 0, TimeSpan.Zero, TimeSpan.Zero,
            Message: $"{trainSet.TotalCount} training pairs, {valSet.TotalCount} validation pairs over layers {string.Join(", ", layers)}; TokenSR width {width}"
                     + (interpVal.Count > 0 ? $"; interpolation val loss {interpVal.Values.Average():G4}" : "")));

        var clock = Stopwatch.StartNew();
        var startStep = state.Step;
        var lastLoss = double.NaN;
        var window = new Queue<double>();
        bank.train();
        try
        {
            for (var step = state.Step; step < _options.Steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                var lr = CosineSchedule.At(step, _options.Steps, _options.WarmupSteps, _options.LearningRate);
                foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
                using (var scope = NewDisposeScope())
                {
                    optimizer.zero_grad();
                    Tensor? total = null;
                    foreach (var layer in layers)
                    {
                        var (s, t) = trainData[layer];
                        using var idx = torch.tensor(BatchIndices(layer, step, (int)s.shape[0]), device: device);
                        var loss = TokenSRLoss.Compute(bank.ModuleFor(layer).forward(s.index_select(0, idx)), t.index_select(0, idx), _options.Loss, _options.Temperature);
                        total = total is null ? loss : total.Plus(loss);
                    }
                    total!.backward();
                    nn.utils.clip_grad_norm_(bank.parameters(), _options.GradientClip);
                    optimizer.step();
                    lastLoss = total.item<float>() / layers.Count;
                }
                window.Enqueue(lastLoss);
                if (window.Count > 20) window.Dequeue();
                var done = step + 1;
                var remaining = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / Math.Max(1, done - startStep) * (_options.Steps - done));
                TokenSRCurvePoint point;
                if (valSet.TotalCount > 0 && (done % _options.EvalEvery == 0 || done == _options.Steps))
                {
                    bank.eval();
                    var valLoss = Evaluate(bank, valSet, scale, device);
                    bank.train();
                    point = new TokenSRCurvePoint(done, window.Average(), valLoss.Values.Average(), interpVal.Values.Average(),
                        valLoss.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value));
                    progress?.Report(new TokenSRTrainingProgress(done, _options.Steps, point.Loss, lr, clock.Elapsed, remaining, point.ValLoss, point.InterpValLoss, valLoss));
                }
                else
                {
                    point = new TokenSRCurvePoint(done, window.Average());
                    progress?.Report(new TokenSRTrainingProgress(done, _options.Steps, point.Loss, lr, clock.Elapsed, remaining));
                }
                if (done % 10 == 0 || point.ValLoss is not null || done == _options.Steps) state.Curve.Add(point);
                if (done % _options.CheckpointEvery == 0 || done == _options.Steps)
                {
                    var snapshot = state with { Step = done };
                    TrainingCheckpoint.Save(CheckpointDir, dir =>
                    {
                        CheckpointLoader.Save(bank, Path.Combine(dir, WeightsFile));
                        optimizer.save_state_dict(Path.Combine(dir, OptimizerFile));
                        File.WriteAllText(Path.Combine(dir, StateFile), JsonSerializer.Serialize(snapshot));
                    });
                    state = snapshot with { Curve = [.. snapshot.Curve] };
                }
            }
        }
        finally
        {
            foreach (var (s, t) in trainData.Values) { s.Dispose(); t.Dispose(); }
        }
        bank.eval();
        var finalVal = valSet.TotalCount > 0 ? Evaluate(bank, valSet, scale, device) : new Dictionary<int, double>();
        var finalLoss = state.Curve.Count > 0 ? state.Curve[^1].Loss : lastLoss;
        return new TokenSRTrainingResult(bank, state.Curve, finalLoss, finalVal, interpVal, trainSet.TotalCount, valSet.TotalCount);
    }

    /// <summary>Deterministic batch of one layer at one step: a slice of a seeded permutation of that layer's pairs.</summary>
    private long[] BatchIndices(int layer, int step, int count)
    {
        var batch = Math.Min(_options.BatchSize, count);
        var perEpoch = count / batch;
        var epoch = step / perEpoch;
        var offset = step % perEpoch * batch;
        var order = Enumerable.Range(0, count).ToArray();
        new Random(unchecked(_options.Seed * 7919 + layer * 104729 + epoch)).Shuffle(order);
        return order.Skip(offset).Take(batch).Select(i => (long)i).ToArray();
    }

    /// <summary>Mean loss per layer on a pair set; <paramref name="bank"/> null evaluates bilinear interpolation (Blink-interp).</summary>
    public Dictionary<int, double> Evaluate(TokenSRBank? bank, TokenSRPairSet set, int scale, Device? device = null)
    {
        using var noGrad = torch.no_grad();
        var result = new Dictionary<int, double>();
        foreach (var layer in set.Layers)
        {
            var n = set.Count(layer);
            var sum = 0.0;
            for (var start = 0; start < n; start += 256)
            {
                using var scope = NewDisposeScope();
                var len = Math.Min(256, n - start);
                var s = set.Students(layer).narrow(0, start, len).to(device ?? torch.CPU);
                var t = set.Teachers(layer).narrow(0, start, len).to(device ?? torch.CPU);
                var predicted = bank is null ? TokenSR.Interpolate(s, scale) : bank.ModuleFor(layer).forward(s);
                sum += TokenSRLoss.Compute(predicted, t, _options.Loss, _options.Temperature).item<float>() * len;
            }
            result[layer] = sum / n;
        }
        return result;
    }
}
