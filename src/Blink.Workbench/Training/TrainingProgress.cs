namespace Blink.Workbench.Training;

/// <summary>
/// One progress report of a training run (also the rows of its loss curve). <see cref="ValAccuracy"/> is measured on
/// whole images (what vanilla sees), <see cref="ValZoomAccuracy"/> on the evidence crops (what the zoom oracle sees);
/// the gap between them is the testbed's headroom, watched while training.
/// </summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double LearningRate, TimeSpan Elapsed, TimeSpan Remaining,
    double? ValAccuracy = null, string? Message = null, double? ValZoomAccuracy = null,
    IReadOnlyDictionary<string, double>? ValPerCategory = null, IReadOnlyDictionary<string, double>? ValZoomPerCategory = null);
