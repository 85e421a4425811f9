using Blink.Workbench.Models;
using Blink.Workbench.Tests.Evaluation;
using Blink.Workbench.Training;
using TorchSharp;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class BaseTrainerTests
{
    /// <summary>A few steps of both stages on a handful of scenes: seconds, not minutes.</summary>
    private static readonly BaseTrainingOptions Quick = new()
    {
        Seed = 3, VisionSteps = 2, Steps = 4, BatchSize = 4, TrainSamples = 6, ZoomVariants = 1, EvidenceViews = true,
        WarmupSteps = 1, EvalEvery = 4, EvalSamples = 6, CheckpointEvery = 3,
    };

    [Fact]
    public void SameSeed_SameWeights_AndAnInterruptedRunResumesToTheSameResult()
    {
        using var temp = new TempFolder();
        using var straight = new BaseTrainer(Quick, temp.File("a")).Run();
        using var again = new BaseTrainer(Quick, temp.File("b")).Run();
        AssertSameWeights(straight.Model, again.Model);

        using var cts = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Step == 4 && p.Message is null) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new BaseTrainer(Quick, temp.File("c")).Run(progress, cts.Token));
        string? resumedFrom = null;
        var trainer = new BaseTrainer(Quick, temp.File("c"));
        using var resumed = trainer.Run(new Inline(p => resumedFrom ??= p.Message));
        Assert.Contains("resumed from step 3", resumedFrom);
        AssertSameWeights(straight.Model, resumed.Model);

        // Validation runs in the answer stage only (steps 4 and 6), on whole and zoomed views, per category.
        var validated = trainer.LastHistory.Where(h => h.ValAccuracy is not null).ToArray();
        Assert.Equal([4, 6], validated.Select(h => h.Step));
        Assert.All(validated, h => { Assert.NotNull(h.ValZoomAccuracy); Assert.NotEmpty(h.ValPerCategory!); });
        // The per-token head's reading of object kinds: at the end of the vision stage (step 2) and with every validation.
        var kinds = trainer.LastHistory.Where(h => h.ValTokenKind is not null).ToArray();
        Assert.Equal([2, 4, 6], kinds.Select(h => h.Step));
        Assert.All(kinds, h => Assert.All(h.ValTokenKind!.Values.Concat(h.ValZoomTokenKind!.Values), a => Assert.InRange(a, 0, 1)));
    }

    [Fact]
    public void The_patch_loss_recipe_changes_the_run()
    {
        using var temp = new TempFolder();
        using var session10 = new BaseTrainer(Quick, temp.File("a")).Run();
        using var before = new BaseTrainer(Quick with { BalancedPatchLoss = false, PatchLabelCover = 0 }, temp.File("b")).Run();
        const string tower = "vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight";
        Assert.False(session10.Model.state_dict()[tower].eq(before.Model.state_dict()[tower]).all().item<bool>());
        foreach (var cover in new[] { -0.1, 1.5, double.NaN })
        {
            var ex = Assert.Throws<ArgumentException>(() => new BaseTrainer(Quick with { PatchLabelCover = cover }, temp.File("c")));
            Assert.Contains($"PatchLabelCover must be a share between 0 (the centre token only) and 1, got {cover}", ex.Message);
        }
    }

    [Fact]
    public void CategoryWeights_ChangeTheRun_AndAWeightedRunResumesToTheSameResult()
    {
        using var temp = new TempFolder();
        var weighted = Quick with { CategoryWeights = new Dictionary<string, double> { ["count"] = 3, ["color"] = 0 }, Steps = 5 };
        using var plain = new BaseTrainer(Quick with { Steps = 5 }, temp.File("p")).Run();
        using var straight = new BaseTrainer(weighted, temp.File("a")).Run();
        Assert.False(plain.Model.state_dict()["language_model.lm_head.weight"].eq(straight.Model.state_dict()["language_model.lm_head.weight"]).all().item<bool>());

        using var cts = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Step == 4 && p.Message is null) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new BaseTrainer(weighted, temp.File("c")).Run(progress, cts.Token));
        using var resumed = new BaseTrainer(weighted, temp.File("c")).Run();
        AssertSameWeights(straight.Model, resumed.Model);
    }

    [Fact]
    public void ResumingUnderOtherOptions_IsRefusedWithTheFolder()
    {
        using var temp = new TempFolder();
        using (new BaseTrainer(Quick, temp.File("w")).Run()) { }
        var ex = Assert.Throws<InvalidOperationException>(() => new BaseTrainer(Quick with { LearningRate = 2e-3 }, temp.File("w")).Run());
        Assert.Contains(temp.File("w"), ex.Message);
        Assert.Contains("other options", ex.Message);
        // Starting over is allowed.
        using (new BaseTrainer(Quick with { LearningRate = 2e-3 }, temp.File("w")).Run(resume: false)) { }
    }

    [Fact]
    public void VisionStage_TrainsTheTowerAndProjector_AndLeavesTheDecoderAtItsInitialisation()
    {
        using var temp = new TempFolder();
        var options = Quick with { VisionSteps = 3, Steps = 1, CheckpointEvery = 3 };
        using var cts = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Step == 3 && p.Message is null) cts.Cancel(); });
        var trainer = new BaseTrainer(options, temp.File("w"));
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Run(progress, cts.Token));

        // The same initialisation as the trainer's: seed, then Hugging Face's init.
        torch.manual_seed(options.Seed);
        using var initial = new LlavaForConditionalGeneration(TinyModelConfig.Create(Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer()));
        ModelInitialization.HuggingFace(initial);
        using var afterStage = new LlavaForConditionalGeneration(TinyModelConfig.Create(Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer()));
        Blink.Workbench.IO.CheckpointLoader.Load(afterStage, Path.Combine(trainer.CheckpointDir, "model.safetensors"));

        var before = initial.state_dict();
        var changed = new List<string>();
        foreach (var (name, tensor) in afterStage.state_dict())
            if (!tensor.eq(before[name]).all().item<bool>()) changed.Add(name);
        Assert.Contains(changed, n => n.StartsWith("vision_tower.", StringComparison.Ordinal));
        Assert.Contains(changed, n => n.StartsWith("multi_modal_projector.", StringComparison.Ordinal));
        Assert.DoesNotContain(changed, n => n.StartsWith("language_model.", StringComparison.Ordinal));
    }

    [Fact]
    public void PatchPositionLoss_ChangesTheTower_AndAPositionRunResumesToTheSameResult()
    {
        using var temp = new TempFolder();
        var withPosition = Quick with { PatchPositionLossWeight = 1.0 };
        using var plain = new BaseTrainer(Quick, temp.File("p")).Run();
        using var straight = new BaseTrainer(withPosition, temp.File("a")).Run();
        const string tower = "vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight";
        Assert.False(plain.Model.state_dict()[tower].eq(straight.Model.state_dict()[tower]).all().item<bool>());

        using var cts = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Step == 4 && p.Message is null) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new BaseTrainer(withPosition, temp.File("c")).Run(progress, cts.Token));
        // The position head is part of the checkpoint, so a resumed run continues it rather than starting a new one.
        Assert.NotEmpty(Directory.EnumerateFiles(temp.File("c"), "position_head.safetensors", SearchOption.AllDirectories));
        using var resumed = new BaseTrainer(withPosition, temp.File("c")).Run();
        AssertSameWeights(straight.Model, resumed.Model);
    }

    [Fact]
    public void PositionLoss_TargetsEachTokensRowAndColumnInRowMajorOrder()
    {
        const int grid = 3;
        using var scope = torch.NewDisposeScope();
        // Uniform logits: two cross-entropies over `grid` classes, ln(grid) each.
        var uniform = BaseTrainer.PositionLoss(torch.zeros(2, grid * grid, 2 * grid), grid).item<float>();
        Assert.Equal(2 * Math.Log(grid), uniform, 5);
        // Logits that put token i at row i / grid and column i % grid give a loss near 0; transposed ones do not.
        var right = torch.full(1, grid * grid, 2 * grid, -20f);
        var transposed = torch.full(1, grid * grid, 2 * grid, -20f);
        for (var i = 0; i < grid * grid; i++)
        {
            right[0, i, i / grid] = 20f; right[0, i, grid + i % grid] = 20f;
            transposed[0, i, i % grid] = 20f; transposed[0, i, grid + i / grid] = 20f;
        }
        Assert.True(BaseTrainer.PositionLoss(right, grid).item<float>() < 1e-6);
        Assert.True(BaseTrainer.PositionLoss(transposed, grid).item<float>() > 10);
    }

    [Theory]
    [InlineData(-1, 0.5, "VisionSteps must be ≥ 0, got -1")]
    [InlineData(10, 0.0, "need PatchLossWeight > 0, got 0")]
    [InlineData(0, -0.5, "PatchLossWeight must be ≥ 0, got -0.5")]
    [InlineData(0, 0.5, "PatchPositionLossWeight must be a finite weight ≥ 0, got -1", -1.0)]
    [InlineData(0, 0.5, "PatchPositionLossWeight must be a finite weight ≥ 0, got NaN", double.NaN)]
    [InlineData(0, 0.0, "PatchPositionLossWeight (0.5) is part of the per-token targets; it needs PatchLossWeight > 0, got 0", 0.5)]
    public void ImpossibleOptions_AreRejectedBeforeAnyWork(int visionSteps, double patchWeight, string message, double positionWeight = 0)
    {
        using var temp = new TempFolder();
        var ex = Assert.Throws<ArgumentException>(() => new BaseTrainer(Quick with { VisionSteps = visionSteps, PatchLossWeight = patchWeight, PatchPositionLossWeight = positionWeight }, temp.File("w")));
        Assert.Contains(message, ex.Message);
        Assert.False(Directory.Exists(temp.File("w")));
    }

    private static void AssertSameWeights(LlavaForConditionalGeneration a, LlavaForConditionalGeneration b)
    {
        var sb = b.state_dict();
        foreach (var (name, tensor) in a.state_dict()) TensorAssert.Identical(tensor, sb[name], name);
    }

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
