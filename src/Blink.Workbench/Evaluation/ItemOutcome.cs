namespace Blink.Workbench.Evaluation;

/// <summary>
/// Whether a method got one scored unit right. <see cref="Key"/> identifies the unit across methods so results can
/// be paired (a question id; for MMBench circular evaluation the question group; for MME one question).
/// </summary>
public sealed record ItemOutcome(string Key, string Category, bool Correct);
