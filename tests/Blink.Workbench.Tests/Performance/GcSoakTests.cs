using System.Runtime;
using Blink.Workbench.Models;
using Blink.Workbench.Performance;

namespace Blink.Workbench.Tests.Performance;

/// <summary>
/// The library under the garbage collector a notebook kernel has: the test host runs the runtime's default GC
/// (workstation, concurrent), and a bounded soak answers with every method and trains TokenSR while another thread
/// collects. <c>eng/gc-soak.sh</c> runs the long version (docs/performance.md).
/// </summary>
[Collection("Torch")]
public sealed class GcSoakTests
{
    [Fact]
    public void TheTestHostRunsTheDefaultConcurrentGc()
    {
        Assert.False(GCSettings.IsServerGC, GcPressure.Describe());
        Assert.True(GcPressure.IsConcurrent, $"{GcPressure.Describe()}: something turned concurrent GC off (ConcurrentGarbageCollection, runtimeconfig or DOTNET_gcConcurrent)");
        Assert.Equal(GCLatencyMode.Interactive, GCSettings.LatencyMode);
    }

    [Fact]
    public void AThousandAnswersAndTrainingStepsWhileAnotherThreadCollects()
    {
        using var bundle = ModelBundle.Load(EmbeddedModel());
        var result = GcSoak.Run(bundle, new GcSoakOptions(Answers: 1000, TrainingSteps: 1500));
        Assert.True(result.Clean, result.Summary());
        Assert.Equal(1000, result.Answers);
        Assert.Equal(1500, result.TrainingSteps);
        Assert.Equal(["vanilla", "blink-interp", "blink-interp-fixed", "blink", "fastv"], result.Methods);
        // The soak is only evidence if collections of every generation ran while the model did.
        Assert.True(result.Collections.All(c => c > 0) && result.PressureRequests > 0, result.Summary());
    }

    private static string EmbeddedModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "models", "tiny-testbed");
            if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"The embedded model data/models/tiny-testbed was not found above {AppContext.BaseDirectory}.");
    }
}
