using Blink.Workbench.Performance;
using Blink.Workbench.IO;
using Blink.Workbench.Models;
using Blink.Workbench.Tests.IO;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// Loading builds the model on the meta device and fills each weight in place, so host memory grows by the model
/// itself plus at most one staged checkpoint tensor, never by a randomly initialised fp32 copy.
/// </summary>
[Collection("Torch")] // runs alone: other tests allocating at the same time would blur the RSS figures
public sealed class FrugalLoadingTests(ITestOutputHelper output)
{
    private const long Slack = 64L << 20;

    [Theory]
    [InlineData(ScalarType.Float16)]  // stored dtype: read straight into the weights
    [InlineData(ScalarType.Float32)]  // converted: one fp16 tensor staged at a time
    public void LoadingAFewHundredMegabyteFp16Checkpoint_GrowsResidentMemoryByTheModelPlusOneTensorAtMost(ScalarType dtype)
    {
        if (!ProcessMemory.IsAvailable)
        {
            output.WriteLine("not measured: /proc/self/status is Linux-only");
            return;
        }
        using var folder = new TempFolder();
        var config = SyntheticCheckpoint.MidSized();
        var (elements, largest) = SyntheticCheckpoint.Write(folder.Path, config);
        // Warm-up on the tiny fixture so libtorch's kernels and allocator arenas are not counted as the loader's growth.
        using (LlavaWeights.Load(GoldenReference.Folder, LlavaConfig.FromFile(GoldenReference.Folder), torch.CPU, dtype)) { }
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var sampler = PeakMemorySampler.Start();
        var before = sampler.BeforeBytes;
        var peakWasReset = sampler.PeakWasReset;
        var progressCalls = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var model = LlavaWeights.Load(folder.Path, config, torch.CPU, dtype, _ => progressCalls++);
        clock.Stop();
        var peak = sampler.Stop();
        var after = ProcessMemory.CurrentBytes();

        var modelBytes = elements * ElementSize(dtype);
        var stagedBytes = dtype == ScalarType.Float16 ? 0 : largest * 2;
        var growth = peak - before;
        output.WriteLine($"{dtype}: model {Mb(modelBytes)}, largest fp16 tensor {Mb(largest * 2)}, RSS before {Mb(before)}, " +
                         $"peak growth {Mb(growth)}, growth after {Mb(after - before)}, load {clock.ElapsedMilliseconds} ms, " +
                         $"peak source {(peakWasReset ? "VmHWM after clear_refs" : "1 ms sampling")}");
        Assert.True(growth <= modelBytes + stagedBytes + Slack,
            $"peak RSS grew by {Mb(growth)}; the bound is model {Mb(modelBytes)} + staged {Mb(stagedBytes)} + {Mb(Slack)}");
        Assert.Equal(model.state_dict().Count, progressCalls);
        Assert.All(model.parameters(), p =>
        {
            Assert.Equal(DeviceType.CPU, p.device_type);
            Assert.Equal(dtype, p.dtype);
        });
    }

    [Fact]
    public void SevenBillionModel_BuildsOnTheMetaDeviceWithoutTouchingTheProcessDefaultDevice()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var model = new LlavaForConditionalGeneration(LlavaConfig.Llava15_7B(), torch.META);
        clock.Stop();
        output.WriteLine($"7B module tree on meta: {clock.ElapsedMilliseconds} ms, {model.parameters().Sum(p => p.numel()) / 1e9:F2} B parameters");
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
        Assert.Equal(DeviceType.CPU, torch.get_default_device().type);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"building on meta took {clock.Elapsed}");
    }

    [Fact]
    public void LookupEmbedding_InitialisesExactlyLikeNnEmbedding_SoSeededModelsAreUnchanged()
    {
        torch.manual_seed(1234);
        using var native = nn.Embedding(300, 24);
        torch.manual_seed(1234);
        using var lookup = new LookupEmbedding(300, 24);
        TensorAssert.Identical(native.weight!, lookup.Weight, "initial table");
        using var ids = torch.tensor(new long[] { 3, 299, 0, 17, 3, 42 }).reshape(2, 3);
        using var fromNative = native.forward(ids);
        using var fromLookup = lookup.forward(ids);
        TensorAssert.Identical(fromNative, fromLookup, "lookup");
    }

    private static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Float32 => 4,
        _ => 8,
    };

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024):F0} MiB";
}
