using System.Diagnostics;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Performance;

/// <summary>
/// The cost of reading attention at one layer, timed on its own: the code path a layer runs when an observer asks
/// (<see cref="LlamaAttention"/>'s observation from the layer's queries and keys), on queries and keys of the
/// model's shape. Differences of whole forwards cannot resolve a cost this small (it drowns in run-to-run noise of
/// the layers themselves); timed alone, with many repeats, it can.
/// </summary>
public static class SaliencyCost
{
    /// <returns>Cases: last-row attention (the cheap path); last-row attention + saliency scan (what Blink does per layer); full matrices.</returns>
    public static IReadOnlyList<BenchCase> Cases(LlamaTextConfig config, SequenceLayout layout, int patchSize, Device device, ScalarType dtype, int seed = 0)
    {
        torch.manual_seed(seed);
        var shape = new long[] { 1, config.NumAttentionHeads, layout.TotalLength, config.HeadDim };
        var q = torch.randn(shape, device: device).to(dtype).DetachFromDisposeScope();
        var k = torch.randn(shape, device: device).to(dtype).DetachFromDisposeScope();
        var lastRow = AttentionRequest.Rows(layout.TotalLength - 1);
        return
        [
            Case("last-row attention (cheap path)", lastRow, scan: false),
            Case("last-row attention + saliency scan", lastRow, scan: true),
            Case("full attention matrices", AttentionRequest.FullMatrices, scan: false),
        ];

        BenchCase Case(string name, AttentionRequest request, bool scan) => new(name, () =>
        {
            using var noGrad = torch.no_grad();
            var clock = Stopwatch.StartNew();
            using (NewDisposeScope())
            {
                var observation = LlamaAttention.Observe(request, q, k, 0, config.HeadDim, 0);
                if (scan) SaliencyScanner.Scan(0, observation, layout, HeadAggregation.Mean, SaliencyScores.Softmax, patchSize, visualShare: false); // as Blink scans; ends on the host
                else (observation.RowProbabilities ?? observation.Full)!.sum().cpu();                                           // waits for the device
            }
            return new RunSample(clock.Elapsed.TotalMilliseconds);
        });
    }
}
