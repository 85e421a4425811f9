using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Tests.IO;
using TorchSharp;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Workbench.Tests.EvalCli;

/// <summary>
/// A resumed evaluation never reuses answers made with other inputs, and one results row never mixes denominators.
/// </summary>
[Collection(EvalCollection.Name)]
public sealed class RunIdentityTests(EvalFixture fx)
{
    private static readonly IBenchmark Pope = BenchmarkRegistry.Default.Get("pope");

    private IReadOnlyList<BenchmarkItem> Items(int n = 4) => fx.Load("pope").Take(n).ToList();

    private EvaluationOptions Answered(MethodSpec method, MethodRunner runner, IBenchmark? benchmark = null, IReadOnlyList<BenchmarkItem>? items = null)
    {
        var options = new EvaluationOptions(fx.NewOutput("identity"), BootstrapResamples: 200);
        new MethodEvaluator(runner).Answer(benchmark ?? Pope, items ?? Items(), [method], options);
        return options;
    }

    /// <summary>Resuming with <paramref name="changed"/> is refused, names <paramref name="field"/>, and changes no file.</summary>
    private void AssertRefused(EvaluationOptions options, string originalName, MethodSpec changed, MethodRunner runner, string field, IBenchmark? benchmark = null)
    {
        var path = MethodEvaluator.AnswerPath(options, originalName);
        var answers = File.ReadAllBytes(path);
        var identity = File.ReadAllBytes(RunIdentity.PathFor(path));
        var e = Assert.Throws<RunIdentityMismatchException>(() =>
            new MethodEvaluator(runner).Answer(benchmark ?? Pope, Items(6), [changed], options));
        Assert.Contains(e.Differences, d => d.StartsWith(field + ": was ", StringComparison.Ordinal));
        Assert.Contains(path, e.Message);
        Assert.Equal(answers, File.ReadAllBytes(path));
        Assert.Equal(identity, File.ReadAllBytes(RunIdentity.PathFor(path)));
        Assert.Single(MethodEvaluator.Mismatches(runner, benchmark ?? Pope, [changed], options));
    }

    public static TheoryData<string, string> BlinkChanges => new()
    {
        { "tau_expand", "blink.tau_expand" }, { "tau_drop", "blink.tau_drop" }, { "first_layer", "blink.first_layer" },
        { "last_layer", "blink.last_layer" }, { "patch", "blink.patch_size" }, { "schedule", "blink.schedule" },
        { "positions", "blink.positions" }, { "region", "blink.region" }, { "seed", "blink.seed" },
        { "heads", "blink.heads" }, { "drop", "blink.allow_drop" }, { "scores", "blink.scores" },
    };

    [Theory]
    [MemberData(nameof(BlinkChanges))]
    public void A_changed_Blink_option_alone_is_refused(string change, string field)
    {
        // A two-layer band, so that either end can move alone and stay valid.
        var standard = fx.Method("blink-interp");
        var method = standard with { Blink = standard.Blink! with { FirstLayer = standard.Blink.LastLayer - 1 } };
        var options = Answered(method, fx.Runner);
        var b = method.Blink!;
        var changed = change switch
        {
            "tau_expand" => b with { TauExpand = (b.TauExpand + 1) / 2 },
            "tau_drop" => b with { TauDrop = b.TauDrop / 2 },
            "first_layer" => b with { FirstLayer = b.FirstLayer - 1 },
            "last_layer" => b with { LastLayer = b.LastLayer - 1 },
            "patch" => b with { PatchSize = b.PatchSize == 2 ? 4 : 2 },
            "schedule" => b with { Schedule = ExpansionSchedule.FixedPeriod },
            "positions" => b with { Positions = PositionPolicy.InheritParent },
            "region" => b with { Region = RegionSelection.Random },
            "seed" => b with { Seed = 7 },
            "heads" => b with { Heads = HeadAggregation.Max },
            "drop" => b with { AllowDrop = false },
            "scores" => b with { Scores = SaliencyScores.Logits },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        Assert.NotEqual(b, changed);
        AssertRefused(options, method.Name, method with { Blink = changed }, fx.Runner, field);
    }

    [Fact]
    public void Changed_FastV_options_are_refused()
    {
        var fastv = fx.Method("fastv");
        AssertRefused(Answered(fastv, fx.Runner), "fastv", fastv with { FastVK = fastv.FastVK + 1 }, fx.Runner, "fastv.k");
        AssertRefused(Answered(fastv, fx.Runner), "fastv", fastv with { FastVRatio = 0.25 }, fx.Runner, "fastv.ratio");
    }

    [Fact]
    public void Answer_mode_and_decoding_length_are_part_of_the_identity()
    {
        var vanilla = fx.Method("vanilla");
        AssertRefused(Answered(vanilla, fx.Runner), "vanilla", vanilla, fx.Runner, "answer_mode", new GeneratedAnswersBenchmark(Pope));
        var longer = new MethodRunner(fx.Bundle, generation: new GenerationOptions(9, EosId: fx.Bundle.Tokenizer.EosId));
        AssertRefused(Answered(vanilla, fx.Runner), "vanilla", vanilla, longer, "max_new_tokens");
    }

    [Fact]
    public void Another_TokenSR_bank_is_refused()
    {
        var hidden = fx.Bundle.Model.Config.TextConfig.HiddenSize;
        var blink = fx.Method("blink");
        var layers = Enumerable.Range(blink.Blink!.FirstLayer, blink.Blink.LastLayer - blink.Blink.FirstLayer + 1).ToArray();
        torch.manual_seed(1);
        using var bankA = new TokenSRBank(layers, hidden, 16);
        using var bankB = new TokenSRBank(layers, hidden, 16);
        using (torch.no_grad())
            foreach (var p in bankB.parameters()) p.add_(0.01);
        var options = Answered(blink, new MethodRunner(fx.Bundle, bankA, fx.Runner.Generation));
        AssertRefused(options, "blink", blink, new MethodRunner(fx.Bundle, bankB, fx.Runner.Generation), "tokensr");
        // The same bank resumes.
        new MethodEvaluator(new MethodRunner(fx.Bundle, bankA, fx.Runner.Generation)).Answer(Pope, Items(6), [blink], options);
        Assert.Equal(6, AnswerFile.Read(MethodEvaluator.AnswerPath(options, "blink")).Count);
    }

    [Fact]
    public void Another_dtype_and_other_model_files_are_refused()
    {
        var vanilla = fx.Method("vanilla");
        var options = Answered(vanilla, fx.Runner);
        using (var half = ModelBundle.Load(FixturePaths.LlavaTinyHf, dtype: torch.ScalarType.BFloat16))
            AssertRefused(options, "vanilla", vanilla, new MethodRunner(half, generation: fx.Runner.Generation), "dtype");

        var copy = Path.Combine(fx.Root, "model-copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(FixturePaths.LlavaTinyHf)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        File.AppendAllText(Path.Combine(copy, "tokenizer_config.json"), "\n");
        using var other = ModelBundle.Load(copy);
        AssertRefused(options, "vanilla", vanilla, new MethodRunner(other, generation: fx.Runner.Generation), "model_files");
    }

    [Fact]
    public void Every_stored_field_is_compared()
    {
        var method = fx.Method("blink-interp");
        var options = Answered(method, fx.Runner);
        var path = MethodEvaluator.AnswerPath(options, method.Name);
        var stored = (JsonObject)JsonNode.Parse(File.ReadAllText(RunIdentity.PathFor(path)))!;
        foreach (var field in new[] { "model", "model_files", "model_id", "prompt_template", "dtype", "device", "answer_mode", "max_new_tokens", "method", "method.kind", "blink.expander", "blink.scale", "blink.query", "blink.max_active_expansions", "blink.fixed_period" })
        {
            Assert.True(stored.ContainsKey(field), $"identity lacks {field}");
            var edited = (JsonObject)stored.DeepClone();
            edited[field] = "something else";
            File.WriteAllText(RunIdentity.PathFor(path), edited.ToJsonString());
            var e = Assert.Throws<RunIdentityMismatchException>(() => new MethodEvaluator(fx.Runner).Answer(Pope, Items(), [method], options));
            Assert.Equal([$"{field}: was something else, now {stored[field]}"], e.Differences);
        }
    }

    [Fact]
    public void A_changed_question_is_refused_by_id_and_a_shorter_limit_resumes()
    {
        var data = fx.CopyOf("pope");
        var vanilla = fx.Method("vanilla");
        var items = Pope.Load(data).Take(4).ToList();
        var options = Answered(vanilla, fx.Runner, items: items);

        // A --limit inside the answered questions resumes and answers nothing new.
        new MethodEvaluator(fx.Runner).Answer(Pope, items.Take(2).ToList(), [vanilla], options);
        Assert.Equal(4, AnswerFile.Read(MethodEvaluator.AnswerPath(options, "vanilla")).Count);

        var changed = items.Select((item, i) => i == 1 ? item with { Prompt = item.Prompt + " Really?" } : item).ToList();
        var e = Assert.Throws<RunIdentityMismatchException>(() => new MethodEvaluator(fx.Runner).Answer(Pope, changed, [vanilla], options));
        Assert.Contains(changed[1].Id.Text, e.Message);
        Assert.Single(e.Differences);
    }

    [Fact]
    public void Every_column_of_a_row_counts_the_same_questions()
    {
        var vanilla = fx.Method("vanilla");
        var interp = fx.Method("blink-interp");
        var all = Items(6);
        var options = new EvaluationOptions(fx.NewOutput("denominators"), BootstrapResamples: 200);
        new MethodEvaluator(fx.Runner).Answer(Pope, all, [vanilla], options);
        new MethodEvaluator(fx.Runner).Answer(Pope, all.Take(3).ToList(), [interp], options);

        // A partial run: both rows over the 3 questions both methods answered, costs included.
        var partial = MethodEvaluator.Score(Pope, all, [vanilla, interp], options);
        Assert.Contains("3 of 6", partial.Note);
        Assert.All(partial.BuildRows().Where(r => r.Category == ResultsTable.AllCategory), r => Assert.Equal(3, r.N));
        var firstThree = AnswerFile.Read(MethodEvaluator.AnswerPath(options, "vanilla")).Take(3)
            .Average(a => a.Metadata["tokens_total"]!.GetValue<double>());
        var vanillaRow = partial.BuildRows().Single(r => r.Method == "vanilla" && r.Category == ResultsTable.AllCategory);
        Assert.Equal(firstThree, vanillaRow.Costs["tokens_total"], 6);
        Assert.Contains("partial run", File.ReadAllText(Path.Combine(options.OutputDirectory, "results.md")));

        // A --limit: the 600-answer file scored on its first 2 questions uses 2 everywhere.
        var limited = MethodEvaluator.Score(Pope, all.Take(2).ToList(), [vanilla], options);
        var row = limited.BuildRows().Single(r => r.Category == ResultsTable.AllCategory);
        Assert.Equal(2, row.N);
        Assert.Null(limited.Note);
        var firstTwo = AnswerFile.Read(MethodEvaluator.AnswerPath(options, "vanilla")).Take(2).Average(a => a.Metadata["prefill_ms"]!.GetValue<double>());
        Assert.Equal(firstTwo, row.Costs["prefill_ms"], 6);
    }

    [Fact]
    public void Shards_of_different_configurations_do_not_merge()
    {
        var method = fx.Method("blink-interp");
        var all = Items(4);
        var options = new EvaluationOptions(fx.NewOutput("merge"), NumChunks: 2, BootstrapResamples: 200);
        new MethodEvaluator(fx.Runner).Answer(Pope, all, [method], options);
        var other = method with { Blink = method.Blink! with { TauExpand = (method.Blink.TauExpand + 1) / 2 } };
        new MethodEvaluator(fx.Runner).Answer(Pope, all, [other], options with { ChunkIndex = 1 });
        var e = Assert.Throws<RunIdentityMismatchException>(() => MethodEvaluator.Merge(all, [method], options));
        Assert.Contains("blink.tau_expand", e.Message);
        Assert.False(File.Exists(MethodEvaluator.AnswerPath(options with { NumChunks = 1 }, method.Name)));
    }
}
