using Blink.Workbench.Methods;

namespace Blink.Workbench.Experiments;

/// <summary>
/// What <c>blink study</c> runs: the model, the run folder, the question counts of each stage and TokenSR's budget.
/// <paramref name="Blink"/> holds the model's Blink defaults (with any --patch applied); with <paramref name="BandGiven"/>
/// its layers replace the pilot's recommended band.
/// </summary>
public sealed record StudySettings(string Model, string Output, int ValSamples, int TestSamples, int ForcedSamples, int TokenSRSamples, int TokenSRSteps,
    BlinkOptions Blink, bool BandGiven)
{
    /// <summary>The default main job's counts: 240 validation and 600 test questions, 300 for the forced expansion, TokenSR on 600 scenes for 400 steps.</summary>
    public static StudySettings Default(string model, string output, BlinkOptions blink, bool bandGiven = false) =>
        new(model, output, 240, 600, 300, 600, 400, blink, bandGiven);

    /// <summary>A small configuration for smoke tests and a first look.</summary>
    public StudySettings AsQuick() => this with { ValSamples = 24, TestSamples = 36, ForcedSamples = 24, TokenSRSamples = 24, TokenSRSteps = 20 };

    public void Validate()
    {
        foreach (var (name, value) in new[] { ("--val-samples", ValSamples), ("--test-samples", TestSamples), ("--forced-samples", ForcedSamples), ("--tokensr-samples", TokenSRSamples), ("--tokensr-steps", TokenSRSteps) })
            if (value < 1) throw new ArgumentException($"{name} must be ≥ 1, got {value}.");
        if (TokenSRSamples < 10) throw new ArgumentException($"--tokensr-samples must be ≥ 10 (a tenth is held out for validation), got {TokenSRSamples}.");
    }
}
