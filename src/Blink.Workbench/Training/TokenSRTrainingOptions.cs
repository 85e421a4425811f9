namespace Blink.Workbench.Training;

/// <summary>
/// How a TokenSR bank is trained on cached pairs (paper-notes §4.3: AdamW, cosine schedule, ~3% warm-up; the
/// learning rate here suits the tiny testbed model — LLaVA-7B's suggested 1e-4 is in the notes).
/// </summary>
public sealed record TokenSRTrainingOptions
{
    public int Seed { get; init; } = 1;
    public int Steps { get; init; } = 600;
    /// <summary>Pairs per layer per step (every step updates every layer's module on its own batch).</summary>
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Warm-up as a share of the steps.</summary>
    public double WarmupFraction { get; init; } = 0.03;
    public double GradientClip { get; init; } = 1.0;
    public TokenSRLossKind Loss { get; init; } = TokenSRLossKind.KL;
    public double Temperature { get; init; } = 1.0;
    /// <summary>Refinement width (null: <see cref="Methods.TokenSRBank.DefaultWidth"/> of the hidden size).</summary>
    public int? Width { get; init; }
    /// <summary>Share of samples held out for the validation loss.</summary>
    public double ValFraction { get; init; } = 0.1;
    public int EvalEvery { get; init; } = 50;
    public int CheckpointEvery { get; init; } = 100;

    public int WarmupSteps => (int)Math.Round(WarmupFraction * Steps);

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"Steps must be ≥ 1, got {Steps}.");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be ≥ 1, got {BatchSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}.");
        if (WarmupFraction is < 0 or >= 1) throw new ArgumentException($"WarmupFraction must be in [0, 1), got {WarmupFraction}.");
        if (ValFraction is < 0 or >= 1) throw new ArgumentException($"ValFraction must be in [0, 1), got {ValFraction}.");
        if (!(Temperature > 0)) throw new ArgumentException($"Temperature must be positive, got {Temperature}.");
        if (Width is <= 0) throw new ArgumentException($"Width must be positive, got {Width}.");
        if (EvalEvery < 1 || CheckpointEvery < 1) throw new ArgumentException("EvalEvery and CheckpointEvery must be ≥ 1.");
    }
}

/// <summary>One progress report of TokenSR training; validation fields are set on evaluation steps.</summary>
/// <param name="ValLoss">Mean validation loss of TokenSR over layers.</param>
/// <param name="InterpValLoss">The same loss for plain bilinear interpolation (Blink-interp): the line to beat.</param>
public sealed record TokenSRTrainingProgress(
    int Step, int TotalSteps, double Loss, double LearningRate, TimeSpan Elapsed, TimeSpan Remaining,
    double? ValLoss = null, double? InterpValLoss = null, IReadOnlyDictionary<int, double>? ValLossPerLayer = null, string? Message = null);
