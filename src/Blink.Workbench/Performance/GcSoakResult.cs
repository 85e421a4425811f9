namespace Blink.Workbench.Performance;

/// <param name="Answers">Answers that completed.</param>
/// <param name="Decodes">Of those, greedy decodes (the rest scored the closed answer set).</param>
/// <param name="TrainingSteps">TokenSR training steps that completed.</param>
/// <param name="Methods">The methods in the order they took turns.</param>
/// <param name="GcMode">The process's GC mode (<see cref="GcPressure.Describe"/>).</param>
/// <param name="Collections">Collections of generation 0, 1 and 2 during the soak.</param>
/// <param name="PressureRequests">Collections the pressure thread asked for.</param>
/// <param name="Mismatches">Answers that differed from the first answer of the same method to the same question.</param>
/// <param name="LiveTensorDrift">Live tensors on the model thread after the answers minus after their first round (0: nothing leaked).</param>
/// <param name="Failure">The first exception (method, answer number, message, stack), or null when every answer completed.</param>
public sealed record GcSoakResult(
    int Answers, int Decodes, int TrainingSteps, IReadOnlyList<string> Methods, string GcMode, int[] Collections, long PressureRequests,
    IReadOnlyList<string> Mismatches, long LiveTensorDrift, TimeSpan Elapsed, string? Failure)
{
    public bool Clean => Failure is null && Mismatches.Count == 0 && LiveTensorDrift == 0;

    public string Summary() =>
        $"{Answers} answers ({Decodes} greedy decodes, {Answers - Decodes} closed-set) over {string.Join(", ", Methods)} and {TrainingSteps} TokenSR training steps in {Elapsed.TotalSeconds:0.0} s; " +
        $"{GcMode}; GCs gen0/1/2 = {Collections[0]}/{Collections[1]}/{Collections[2]} ({PressureRequests} requested by the pressure thread); " +
        $"{Mismatches.Count} mismatching answers; live-tensor drift {LiveTensorDrift}; " + (Failure is null ? "no failure" : "FAILED: " + Failure);
}
