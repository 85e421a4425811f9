namespace Blink.Workbench.Evaluation;

/// <param name="OutputDirectory">answers/, results.{md,csv,json} and the benchmark's official files go here.</param>
/// <param name="NumChunks">Shard the questions like LLaVA's scripts (one job per GPU); 1 = everything here.</param>
/// <param name="ChunkIndex">Which shard this process answers.</param>
/// <param name="Baseline">The method every other is compared with (paired bootstrap CI and McNemar test).</param>
public sealed record EvaluationOptions(
    string OutputDirectory,
    int NumChunks = 1,
    int ChunkIndex = 0,
    string Baseline = "vanilla",
    int BootstrapResamples = 2000,
    int Seed = 0)
{
    public void Validate()
    {
        if (NumChunks < 1) throw new ArgumentException($"--num-chunks must be ≥ 1, got {NumChunks}.");
        if (ChunkIndex < 0 || ChunkIndex >= NumChunks) throw new ArgumentException($"--chunk-idx {ChunkIndex} must be in [0, {NumChunks}).");
        if (BootstrapResamples < 100) throw new ArgumentException($"Bootstrap resamples must be ≥ 100, got {BootstrapResamples}.");
    }
}
