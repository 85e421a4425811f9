namespace Blink.Workbench.Training;

/// <summary>One progress report of a training run (also the rows of its loss curve).</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double LearningRate, TimeSpan Elapsed, TimeSpan Remaining, double? ValAccuracy = null, string? Message = null);
