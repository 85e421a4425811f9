namespace Blink.Workbench.Training;

/// <summary>
/// One progress report of a training run (also the rows of its loss curve). <see cref="ValAccuracy"/> is measured on
/// whole images (what vanilla sees), <see cref="ValZoomAccuracy"/> on the evidence crops (what the zoom oracle sees);
/// the gap between them is the testbed's headroom, watched while training. <see cref="ValTokenKind"/> and
/// <see cref="ValZoomTokenKind"/> are the per-token head's accuracy on the kind of the small objects' tokens
/// (<see cref="PatchLabels.KindAccuracy"/>), reported at the end of the vision stage and with every validation.
/// </summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double LearningRate, TimeSpan Elapsed, TimeSpan Remaining,
    double? ValAccuracy = null, string? Message = null, double? ValZoomAccuracy = null,
    IReadOnlyDictionary<string, double>? ValPerCategory = null, IReadOnlyDictionary<string, double>? ValZoomPerCategory = null,
    IReadOnlyDictionary<string, double>? ValTokenKind = null, IReadOnlyDictionary<string, double>? ValZoomTokenKind = null);
