using System.Text.Json.Serialization;
using Blink.Workbench.Data.Testbed;

namespace Blink.Workbench.Training;

/// <summary>How the embedded tiny model is trained from scratch on the testbed (the defaults reproduce data/models/tiny-testbed).</summary>
public sealed record BaseTrainingOptions
{
    public int Seed { get; init; } = 1;
    /// <summary>
    /// Answer-stage steps. With which-color position questions digit reading is learned late and still climbs at 2,500,
    /// but 2,900 steps took 15 min 53 s on the 2-core machine (over the 15-minute budget) and batches of 28 did not save
    /// enough; 2,500 keeps the recipe within it (docs/model.md).
    /// </summary>
    public int Steps { get; init; } = 2500;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; } = 0.01;
    public int WarmupSteps { get; init; } = 100;
    public double GradientClip { get; init; } = 1.0;
    /// <summary>Distinct training scenes (each rendered once whole and <see cref="ZoomVariants"/> times zoomed).</summary>
    public int TrainSamples { get; init; } = 5000;
    /// <summary>Random zoomed views per scene: zoomed views make the crop teacher of TokenSR in-distribution.</summary>
    public int ZoomVariants { get; init; } = 1;
    /// <summary>
    /// Also train on each scene's tight evidence crop (the zoom oracle's framing). Random zooms alone vary scale and
    /// placement so much that a from-scratch 4-layer vision tower learned colour but no shapes in 3,000 steps; with the
    /// tight crop in the mix it learns shapes within a few hundred steps and transfers them to the random zooms.
    /// </summary>
    public bool EvidenceViews { get; init; } = true;
    /// <summary>N(0, 0.02) matrices as Hugging Face initialises LLaMA/CLIP (true), or TorchSharp's module defaults.</summary>
    public bool HuggingFaceInit { get; init; } = true;
    /// <summary>Weight of the dense per-token object supervision (PatchLabels); 0 trains on answers alone.</summary>
    public double PatchLossWeight { get; init; } = 0.5;
    /// <summary>
    /// Steps of a first stage that trains only the vision tower and projector, on the dense per-token targets
    /// (PatchLabels), before <see cref="Steps"/> steps of full training. The stage skips the decoder, so a step costs
    /// about a fifth of a full one: the tower gets several times more images to learn small shapes from, which the
    /// single answer token per image teaches only slowly. (LLaVA itself starts from a pre-trained CLIP; this is the
    /// from-scratch stand-in.) 0 disables it.
    /// </summary>
    public int VisionSteps { get; init; } = 1000;
    /// <summary>
    /// Weight of <see cref="GroundingLoss"/> in the answer stage: the last prompt token's attention in the Blink band of
    /// layers pulled towards the question's evidence box. With 0.5 the embedded model reached 40.8% on whole validation
    /// images against 33.2% without it (600 questions; docs/findings.md); 1.0, on another version of the testbed, 39.5% against
    /// 32.7% for 0.5 (one run each). 0 trains on answers and patch labels alone.
    /// </summary>
    public double GroundingLossWeight { get; init; } = 1.0;
    /// <summary>
    /// Grounding target of frame-count questions: the counted objects in the frame (true) rather than the whole frame
    /// (false; the frame when the answer is 0 either way). A uniform target over the frame pulls the head-mean attention
    /// away from the objects a count must single out. The question's evidence box (what the zoom oracle and Blink's
    /// metrics use) is the frame in both cases.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool GroundCountOnObjects { get; init; }

    /// <summary>
    /// Averages the per-token object loss separately over the tokens that hold a small object and over those that hold
    /// none, and adds the two, for the kind and for the colour. A plain mean over all 64 tokens is dominated by the
    /// "no object" class (an image holds 8–15 small objects): after the vision stage the head then names the kind of
    /// only 25% of the shape tokens of whole images and 15% of zoomed ones, digits 5% and 0% (docs/findings.md).
    /// On by default; false gives one mean over all tokens.
    /// </summary>
    public bool BalancedPatchLoss { get; init; } = true;

    /// <summary>
    /// Which visual tokens a small object labels in the per-token targets: every token it covers by at least this share
    /// of the smaller of the object and the token (<see cref="PatchLabels.For"/>); 0, only the token under its centre
    /// (the plain-mean recipe's labels). With the centre alone, an object straddling a token border, or spread over
    /// several tokens by a zoom, teaches "none" on the tokens that show the rest of it.
    /// </summary>
    public double PatchLabelCover { get; init; } = 0.25;

    /// <summary>
    /// Weight of a per-token grid-position target (row and column of each visual token, from the token's own feature)
    /// added to the per-token object targets (PatchLabels) in both stages. The object targets alone let the tower forget
    /// where a token is, yet a relation question (position) can be read only from the position the attended tokens
    /// carry: the decoder's rotary positions shape the attention scores, not the values it reads. 0 (the default) adds
    /// nothing, so the committed model stays reproducible.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double PatchPositionLossWeight { get; init; }

    /// <summary>
    /// Share of each question family among the answer stage's training examples, relative to the others (a family not
    /// listed has weight 1; null draws the pool in order, every family equally). Families the model masters early on
    /// evidence crops (colour) or does not learn within the budget at all (position) can give their steps to those whose
    /// crops are still improving when training ends (count, existence, digit). The vision stage is not affected: its
    /// per-token targets do not depend on the question.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? CategoryWeights { get; init; }
    public int EvalEvery { get; init; } = 400;
    public int EvalSamples { get; init; } = 300;
    public int CheckpointEvery { get; init; } = 200;
    public TestbedOptions Testbed { get; init; } = new();

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"Steps must be ≥ 1, got {Steps}.");
        if (VisionSteps < 0) throw new ArgumentException($"VisionSteps must be ≥ 0, got {VisionSteps}.");
        if (VisionSteps > 0 && !(PatchLossWeight > 0)) throw new ArgumentException($"VisionSteps ({VisionSteps}) train on the per-token targets; they need PatchLossWeight > 0, got {PatchLossWeight}.");
        if (!(GroundingLossWeight >= 0)) throw new ArgumentException($"GroundingLossWeight must be ≥ 0, got {GroundingLossWeight}.");
        if (!(PatchPositionLossWeight >= 0) || double.IsInfinity(PatchPositionLossWeight)) throw new ArgumentException($"PatchPositionLossWeight must be a finite weight ≥ 0, got {PatchPositionLossWeight}.");
        if (!(PatchLabelCover >= 0 && PatchLabelCover <= 1))
            throw new ArgumentException($"PatchLabelCover must be a share between 0 (the centre token only) and 1, got {PatchLabelCover}.");
        if (PatchPositionLossWeight > 0 && !(PatchLossWeight > 0)) throw new ArgumentException($"PatchPositionLossWeight ({PatchPositionLossWeight}) is part of the per-token targets; it needs PatchLossWeight > 0, got {PatchLossWeight}.");
        if (!(PatchLossWeight >= 0)) throw new ArgumentException($"PatchLossWeight must be ≥ 0, got {PatchLossWeight}.");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be ≥ 1, got {BatchSize}.");
        if (LearningRate <= 0 || double.IsNaN(LearningRate)) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}.");
        if (WarmupSteps < 0) throw new ArgumentException($"WarmupSteps must be ≥ 0, got {WarmupSteps}.");
        if (TrainSamples < BatchSize) throw new ArgumentException($"TrainSamples ({TrainSamples}) must be at least BatchSize ({BatchSize}).");
        if (ZoomVariants < 0) throw new ArgumentException($"ZoomVariants must be ≥ 0, got {ZoomVariants}.");
        if (EvalEvery < 1 || CheckpointEvery < 1) throw new ArgumentException("EvalEvery and CheckpointEvery must be ≥ 1.");
        Testbed.Validate();
        if (CategoryWeights is { } weights)
        {
            foreach (var (category, weight) in weights)
            {
                if (!Testbed.Categories.Contains(category))
                    throw new ArgumentException(
                        $"CategoryWeights names '{category}', which is not among the testbed's categories ({string.Join(", ", Testbed.Categories)}).");
                if (!(weight >= 0) || double.IsInfinity(weight))
                    throw new ArgumentException($"CategoryWeights['{category}'] must be a finite weight ≥ 0, got {weight}.");
            }
            if (!Testbed.Categories.Any(c => weights.GetValueOrDefault(c, 1.0) > 0))
                throw new ArgumentException("CategoryWeights gives every category weight 0; at least one must be positive.");
        }
    }
}
