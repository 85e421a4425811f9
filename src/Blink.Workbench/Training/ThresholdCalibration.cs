using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using TorchSharp;

namespace Blink.Workbench.Training;

/// <summary>How τ_exp and τ_drop are picked from a ρ distribution.</summary>
public sealed record ThresholdCalibrationOptions
{
    /// <summary>Layers, p and the scan settings; their ρ is what gets calibrated.</summary>
    public required BlinkOptions Blink { get; init; }

    /// <summary>Share of (sample, layer) events in which ρ &gt; τ_exp (paper-notes §3.2 suggests 30–50%).</summary>
    public double TargetShare { get; init; } = 0.4;

    /// <summary>
    /// Null (default): τ_drop half-way between the uniform share p²/N and τ_exp. Otherwise τ_drop is this quantile of
    /// ρ (capped at τ_exp).
    /// </summary>
    public double? DropQuantile { get; init; }

    public void Validate()
    {
        if (TargetShare is <= 0 or >= 1 || double.IsNaN(TargetShare)) throw new ArgumentException($"TargetShare must be in (0, 1), got {TargetShare}.");
        if (DropQuantile is { } q && (q is < 0 or > 1 || double.IsNaN(q))) throw new ArgumentException($"DropQuantile must be in [0, 1], got {q}.");
    }
}

/// <param name="TriggerShare">Share of the calibration events with ρ &gt; τ_exp (≈ the target).</param>
/// <param name="DropShare">Share of the calibration events with ρ &lt; τ_drop.</param>
/// <param name="RhoByLayer">The ρ samples per layer, in sample order (for histograms).</param>
/// <param name="Quantiles">ρ quantiles over all layers, keyed "q05", "q25", … "q95".</param>
public sealed record ThresholdCalibrationResult(
    double TauExpand, double TauDrop, double Uniform, double TargetShare, double TriggerShare, double DropShare,
    IReadOnlyDictionary<int, double[]> RhoByLayer, IReadOnlyDictionary<string, double> Quantiles)
{
    /// <summary>The options with the calibrated thresholds.</summary>
    public BlinkOptions Apply(BlinkOptions options) => options with { TauExpand = TauExpand, TauDrop = TauDrop };
}

/// <summary>
/// Calibrates Blink's thresholds (paper-notes §3.2: only qualitative guidance exists). Vanilla forwards with an SGS
/// scan at every Blink layer give the ρ distribution on held-out items; τ_exp is set so that expansion would trigger
/// in the target share of (sample, layer) events. Note that this is ρ without any expansion: once Blink inserts
/// tokens, later layers' ρ can shift, so the realised trigger rate under Blink is only approximately the target.
/// </summary>
public static class ThresholdCalibration
{
    public static readonly double[] ReportedQuantiles = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

    /// <summary>ρ per Blink layer for every sample of <paramref name="data"/> (one vanilla forward each).</summary>
    public static Dictionary<int, double[]> CollectRho(ModelBundle bundle, ITokenSRDataSource data, BlinkOptions blink,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        blink.Validate(bundle.Model.Config);
        var layers = Enumerable.Range(blink.FirstLayer, blink.LastLayer - blink.FirstLayer + 1).ToArray();
        var rho = layers.ToDictionary(l => l, _ => new double[data.Count]);
        using var noGrad = torch.no_grad();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < data.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            using var sample = data.Get(i);
            using var recorder = new BlinkLayerRecorder(blink, layers, scan: true, keepHidden: false);
            var pixels = bundle.Preprocessor.ToTensor(sample.Image, bundle.Model.Device).unsqueeze(0);
            bundle.Model.forward(new LlavaInput(bundle.PromptIds(sample.Question), pixels, Interceptor: recorder));
            foreach (var l in layers) rho[l][i] = recorder.Maps[l].Rho;
            if ((i + 1) % 50 == 0 || i + 1 == data.Count)
            {
                var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / (i + 1) * (data.Count - i - 1));
                progress?.Report($"scanned {i + 1}/{data.Count} samples, elapsed {clock.Elapsed:m\\:ss}, ETA {eta:m\\:ss}");
            }
        }
        return rho;
    }

    /// <summary>Thresholds from ρ samples; <paramref name="uniform"/> is p²/N, the ρ of perfectly uniform attention.</summary>
    public static ThresholdCalibrationResult FromRho(IReadOnlyDictionary<int, double[]> rhoByLayer, ThresholdCalibrationOptions options, double uniform)
    {
        options.Validate();
        var all = rhoByLayer.Values.SelectMany(v => v).Order().ToArray();
        if (all.Length == 0) throw new ArgumentException("No ρ samples to calibrate on.");
        var n = all.Length;
        var k = (int)Math.Round(options.TargetShare * n);
        // τ between the (n−k)-th and (n−k+1)-th smallest value: exactly k events lie strictly above it when values are distinct.
        var tauExp = k <= 0 ? all[^1] : k >= n ? Math.Max(0, all[0] - 1e-9) : (all[n - k - 1] + all[n - k]) / 2;
        tauExp = Math.Clamp(tauExp, 0, 1);
        var tauDrop = options.DropQuantile is { } q ? Quantile(all, q) : (uniform + tauExp) / 2;
        tauDrop = Math.Clamp(Math.Min(tauDrop, tauExp), 0, 1);
        var quantiles = ReportedQuantiles.ToDictionary(q => $"q{Math.Round(q * 100):00}", q => Quantile(all, q));
        return new ThresholdCalibrationResult(tauExp, tauDrop, uniform, options.TargetShare,
            all.Count(r => r > tauExp) / (double)n, all.Count(r => r < tauDrop) / (double)n,
            rhoByLayer.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()), quantiles);
    }

    public static ThresholdCalibrationResult Run(ModelBundle bundle, ITokenSRDataSource data, ThresholdCalibrationOptions options,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var rho = CollectRho(bundle, data, options.Blink, progress, ct);
        var grid = bundle.Model.Config.VisionConfig.GridSize;
        var uniform = (double)options.Blink.PatchSize * options.Blink.PatchSize / (grid * grid);
        return FromRho(rho, options, uniform);
    }

    /// <summary>Linear-interpolation quantile (numpy's default) of ascending values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("Quantile of no values.");
        var pos = Math.Clamp(q, 0, 1) * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
