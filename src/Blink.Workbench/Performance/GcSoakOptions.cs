namespace Blink.Workbench.Performance;

/// <param name="Answers">Questions answered in all, spread over the methods in turn (each: a prefill and a greedy decode, or closed-set scoring).</param>
/// <param name="Samples">Distinct testbed questions the answers cycle through; every later answer to one is compared with the first.</param>
/// <param name="MaxNewTokens">New tokens per greedy decode.</param>
/// <param name="ClosedSetEvery">Every n-th answer scores the closed answer set instead of decoding (0: never).</param>
/// <param name="Pressure">Run <see cref="GcPressure"/> beside the model.</param>
/// <param name="Seed">Seeds the pressure thread and the TokenSR bank when none is given.</param>
/// <param name="TrainingSteps">TokenSR training steps after the answers (forward, backward, AdamW), as a notebook trains.</param>
public sealed record GcSoakOptions(int Answers = 3000, int Samples = 40, int MaxNewTokens = 8, int ClosedSetEvery = 4, bool Pressure = true, int Seed = 0, int TrainingSteps = 2000)
{
    public void Validate()
    {
        if (Answers < 1) throw new ArgumentException($"The soak needs at least 1 answer, got {Answers}.");
        if (Samples < 1) throw new ArgumentException($"The soak needs at least 1 sample, got {Samples}.");
        if (MaxNewTokens < 2) throw new ArgumentException($"MaxNewTokens must be ≥ 2 so decoding runs past the prefill, got {MaxNewTokens}.");
        if (TrainingSteps < 0) throw new ArgumentException($"TrainingSteps must be ≥ 0 (0: none), got {TrainingSteps}.");
        if (ClosedSetEvery < 0) throw new ArgumentException($"ClosedSetEvery must be ≥ 0 (0: never), got {ClosedSetEvery}.");
    }
}
