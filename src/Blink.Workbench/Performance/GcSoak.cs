using System.Diagnostics;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Performance;

/// <summary>
/// Object lifetimes under the garbage collector a user's process really has: thousands of answers through
/// <see cref="MethodRunner"/> (the path notebooks, <c>blink chat</c> and <c>blink eval</c> take) for vanilla,
/// Blink-interp, Blink with TokenSR and FastV in turn, then TokenSR training steps, with <see cref="GcPressure"/>
/// collecting beside them. A managed
/// object freed while a native call still reads it shows as an exception from libtorch, a crash, or an answer that
/// differs from the first answer of the same method to the same question.
/// </summary>
public static class GcSoak
{
    /// <summary>The methods that take turns: every decoder intervention of the workbench, on the model's defaults.</summary>
    public static IReadOnlyList<MethodSpec> Methods(LlavaConfig config)
    {
        var blink = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize);
        var interp = blink with { Expander = ExpanderKind.Interpolation };
        return
        [
            new("vanilla", "the model as it is", MethodKind.Vanilla),
            new("blink-interp", "Blink, bilinear, the default thresholds", MethodKind.Blink, interp),
            new("blink-interp-fixed", "Blink, bilinear, expand and drop on a fixed period (always edits the sequence)", MethodKind.Blink, interp with { Schedule = ExpansionSchedule.FixedPeriod }),
            new("blink", "Blink with TokenSR, fixed period", MethodKind.Blink, blink with { Schedule = ExpansionSchedule.FixedPeriod }),
            new("fastv", "FastV K=2, R=0.5", MethodKind.FastV, null, 2, 0.5),
        ];
    }

    /// <summary>A TokenSR bank for the default Blink layers, seeded (its weights matter for lifetimes, not for accuracy).</summary>
    public static TokenSRBank SeededBank(ModelBundle bundle, int seed)
    {
        var config = bundle.Model.Config;
        var blink = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize);
        torch.manual_seed(seed);
        var bank = new TokenSRBank(Enumerable.Range(blink.FirstLayer, blink.LastLayer - blink.FirstLayer + 1), config.TextConfig.HiddenSize, TokenSRBank.DefaultWidth(config.TextConfig.HiddenSize));
        bank.to(bundle.Model.Device, bundle.Model.DType);
        return bank;
    }

    /// <summary>
    /// TokenSR training steps on seeded random patches of the model's width (the update path of <c>blink train-tokensr</c>
    /// and notebook 02: TokenSR forward, KL loss, backward, gradient clipping, <see cref="Training.AdamW"/>).
    /// </summary>
    private static int Train(ModelBundle bundle, GcSoakOptions options, ref string? failure)
    {
        if (options.TrainingSteps == 0) return 0;
        var hidden = bundle.Model.Config.TextConfig.HiddenSize;
        torch.manual_seed(options.Seed);
        using var bank = new TokenSRBank([0], hidden, TokenSRBank.DefaultWidth(hidden));
        using var optimizer = new Training.AdamW(bank.parameters(), lr: 1e-3, weight_decay: 0.01);
        using var student = torch.randn(8, hidden, 2, 2);
        using var teacher = torch.randn(8, hidden, 4, 4);
        bank.train();
        for (var step = 0; step < options.TrainingSteps; step++)
        {
            try
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                TokenSRLoss.Compute(bank.forward((0, student)), teacher, TokenSRLossKind.KL).backward();
                nn.utils.clip_grad_norm_(bank.parameters(), 1.0);
                optimizer.step();
            }
            catch (Exception e)
            {
                failure = $"training step {step + 1}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}";
                return step;
            }
        }
        return options.TrainingSteps;
    }

    public static GcSoakResult Run(ModelBundle bundle, GcSoakOptions options, TokenSRBank? tokenSR = null, Action<string>? progress = null)
    {
        options.Validate();
        var config = bundle.Model.Config;
        var methods = Methods(config);
        using var ownBank = tokenSR is null ? SeededBank(bundle, options.Seed) : null;
        var runner = new MethodRunner(bundle, tokenSR ?? ownBank, new(options.MaxNewTokens, EosId: bundle.Tokenizer.EosId));
        runner.Validate(methods);
        var pre = bundle.Preprocessor.Options;
        var generator = new TestbedGenerator(new TestbedOptions { InputSize = pre.Size, PatchSize = pre.PatchSize });
        var samples = generator.Generate(TestbedSplit.Test, 0, options.Samples).ToArray();
        try
        {
            // Keyed by the libtorch thread count too: another part of the process may change it, and two thread counts
            // may round sums differently.
            var first = new Dictionary<(int Method, int Sample, int Threads), string>();
            var mismatches = new List<string>();
            var stats = DisposeScopeManager.Statistics;
            var liveBefore = stats.ThreadTotalLiveCount;
            var gcBefore = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
            var clock = Stopwatch.StartNew();
            int answers = 0, decodes = 0;
            string? failure = null;
            using (var pressure = options.Pressure ? new GcPressure(options.Seed) : null)
            {
                for (var i = 0; i < options.Answers; i++)
                {
                    var m = i % methods.Count;
                    var s = i / methods.Count % samples.Length;
                    var sample = samples[s];
                    // Which rounds score the closed set shifts by one each pass over the samples, so every question gets both.
                    var round = i / methods.Count;
                    var closed = options.ClosedSetEvery > 0 && (round + round / samples.Length) % options.ClosedSetEvery == options.ClosedSetEvery - 1;
                    var input = new MethodInput(sample.Image, sample.Question.Text, s, sample.Question.Evidence, closed ? sample.Question.Choices : null);
                    string text;
                    try
                    {
                        var answer = runner.Answer(methods[m], input);
                        text = closed ? $"choice {answer.ChoiceIndex}" : answer.Text;
                    }
                    catch (Exception e)
                    {
                        failure = $"answer {i + 1} ({methods[m].Name}, question {s}, {(closed ? "closed-set" : "greedy")}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}";
                        break;
                    }
                    answers++;
                    // The first round fills the caches that live as long as the model (the rotary table); leaks are counted after it.
                    if (i == methods.Count - 1) liveBefore = stats.ThreadTotalLiveCount;
                    if (!closed) decodes++;
                    var key = (m, s * 2 + (closed ? 1 : 0), torch.get_num_threads());
                    if (!first.TryGetValue(key, out var expected)) first[key] = text;
                    else if (expected != text)
                        mismatches.Add($"answer {i + 1} ({methods[m].Name}, question {s}): \"{text}\", first \"{expected}\"");
                    if ((i + 1) % 500 == 0) progress?.Invoke($"{i + 1}/{options.Answers} answers, {clock.Elapsed.TotalSeconds:0} s, GCs {string.Join("/", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcBefore[g]))}");
                }
                var drift = stats.ThreadTotalLiveCount - liveBefore;
                var trained = failure is null ? Train(bundle, options, ref failure) : 0;
                clock.Stop();
                var collections = Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcBefore[g]).ToArray();
                return new GcSoakResult(answers, decodes, trained, methods.Select(x => x.Name).ToArray(), GcPressure.Describe(), collections, pressure?.Requests ?? 0,
                    mismatches, drift, clock.Elapsed, failure);
            }
        }
        finally
        {
            foreach (var sample in samples) sample.Dispose();
        }
    }
}
