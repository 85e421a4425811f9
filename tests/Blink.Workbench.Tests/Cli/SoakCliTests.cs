namespace Blink.Workbench.Tests.Cli;

/// <summary><c>blink bench soak</c>: bad options are refused with the option and the value before any model loads.</summary>
[Collection("Torch")]
public sealed class SoakCliTests
{
    [Theory]
    [InlineData("--answers", "0", "--answers must be ≥ 1, got 0")]
    [InlineData("--samples", "0", "--samples must be ≥ 1, got 0")]
    [InlineData("--max-new-tokens", "1", "--max-new-tokens must be ≥ 2")]
    [InlineData("--closed-set-every", "-1", "--closed-set-every must be ≥ 0")]
    [InlineData("--training-steps", "-5", "--training-steps must be ≥ 0 (0: none), got -5")]
    public void BadCountsAreRefused(string option, string value, string expected)
    {
        var (exitCode, output) = CliRunner.Run("bench", "soak", option, value, "--model", "/nonexistent/model");
        Assert.Equal(1, exitCode);
        Assert.Contains(expected, output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void AMissingTokenSRBankIsNamed()
    {
        var (exitCode, output) = CliRunner.Run("bench", "soak", "--tokensr", "/nonexistent/bank.safetensors");
        Assert.Equal(1, exitCode);
        Assert.Contains("--tokensr /nonexistent/bank.safetensors: no such file", output);
    }

    [Fact]
    public void AShortSoakRunsCleanAndSaysSo()
    {
        var (exitCode, output) = CliRunner.Run("bench", "soak", "--answers", "10", "--training-steps", "5", "--model", EmbeddedModel());
        Assert.True(exitCode == 0, output);
        Assert.Contains("10 answers", output);
        Assert.Contains("5 TokenSR training steps", output);
        Assert.Contains("no failure", output);
    }

    private static string EmbeddedModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "models", "tiny-testbed");
            if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"data/models/tiny-testbed not found above {AppContext.BaseDirectory}.");
    }
}
