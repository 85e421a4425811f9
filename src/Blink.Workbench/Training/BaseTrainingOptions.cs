using Blink.Workbench.Data.Testbed;

namespace Blink.Workbench.Training;

/// <summary>How the embedded tiny model is trained from scratch on the testbed (defaults: about 10 minutes on 2 cores).</summary>
public sealed record BaseTrainingOptions
{
    public int Seed { get; init; } = 1;
    public int Steps { get; init; } = 2400;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1.5e-3;
    public double WeightDecay { get; init; } = 0.01;
    public int WarmupSteps { get; init; } = 100;
    public double GradientClip { get; init; } = 1.0;
    /// <summary>Distinct training scenes (each rendered once whole and <see cref="ZoomVariants"/> times zoomed).</summary>
    public int TrainSamples { get; init; } = 8000;
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
    public int EvalEvery { get; init; } = 200;
    public int EvalSamples { get; init; } = 300;
    public int CheckpointEvery { get; init; } = 200;
    public TestbedOptions Testbed { get; init; } = new();

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"Steps must be ≥ 1, got {Steps}.");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be ≥ 1, got {BatchSize}.");
        if (LearningRate <= 0 || double.IsNaN(LearningRate)) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}.");
        if (WarmupSteps < 0) throw new ArgumentException($"WarmupSteps must be ≥ 0, got {WarmupSteps}.");
        if (TrainSamples < BatchSize) throw new ArgumentException($"TrainSamples ({TrainSamples}) must be at least BatchSize ({BatchSize}).");
        if (ZoomVariants < 0) throw new ArgumentException($"ZoomVariants must be ≥ 0, got {ZoomVariants}.");
        if (EvalEvery < 1 || CheckpointEvery < 1) throw new ArgumentException("EvalEvery and CheckpointEvery must be ≥ 1.");
        Testbed.Validate();
    }
}
