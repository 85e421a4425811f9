using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Training;

namespace Blink.Workbench.Experiments;

/// <summary>What a study measured, with the report it wrote.</summary>
public sealed record StudyOutcome(
    string Folder, string ReportPath, LayerAttentionResult Pilot, BlinkOptions Blink, ThresholdCalibrationResult Calibration,
    ResultsTable Evaluation, ResultsTable ForcedExpansion, TimeSpan Elapsed);
