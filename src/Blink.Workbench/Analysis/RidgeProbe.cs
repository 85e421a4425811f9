using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>
/// A linear probe: does a set of vectors (visual features, a layer's hidden state) carry a yes/no property linearly?
/// Ridge least squares on ±1 targets, features standardised on the training rows, scored by the sign on held-out rows.
/// Closed form, so it is deterministic and needs no learning rate; a probe that is near chance says the property is not
/// linearly there (or not with this few rows), one that is near 100% says a linear readout exists.
/// </summary>
public static class RidgeProbe
{
    /// <summary>Held-out accuracy of the probe: the first <paramref name="trainShare"/> of the rows fit it, the rest score it.</summary>
    public static double HeldOutAccuracy(IReadOnlyList<float[]> features, IReadOnlyList<bool> labels, double trainShare = 0.7, double ridge = 1.0)
    {
        if (features.Count != labels.Count)
            throw new ArgumentException($"The probe got {features.Count} feature vectors but {labels.Count} labels.", nameof(labels));
        if (!(trainShare > 0 && trainShare < 1)) throw new ArgumentOutOfRangeException(nameof(trainShare), trainShare, "must be between 0 and 1.");
        if (!(ridge > 0) || double.IsInfinity(ridge)) throw new ArgumentOutOfRangeException(nameof(ridge), ridge, "must be a positive finite number.");
        var n = features.Count;
        var cut = (int)Math.Round(trainShare * n);
        if (cut < 2 || n - cut < 1)
            throw new ArgumentException($"{n} rows leave {cut} to fit the probe and {n - cut} to score it; at least 2 and 1 are needed.", nameof(features));
        var d = features[0].Length;
        for (var i = 0; i < n; i++)
            if (features[i].Length != d)
                throw new ArgumentException($"Feature vector {i} has {features[i].Length} values, the first has {d}.", nameof(features));
        if (labels.Take(cut).Distinct().Count() < 2)
            throw new ArgumentException($"The {cut} training rows of the probe all have the label {labels[0]}; both labels are needed to fit it.", nameof(labels));

        using var scope = NewDisposeScope();
        var x = torch.tensor(features.SelectMany(f => f).ToArray(), [n, d], ScalarType.Float64);
        var y = torch.tensor(labels.Select(l => l ? 1.0 : -1.0).ToArray(), [n, 1], ScalarType.Float64);
        var train = x.narrow(0, 0, cut);
        var mean = train.mean([0], keepdim: true);
        var std = train.std([0], keepdim: true).clamp_min(1e-6);
        // A constant column carries the bias; it is not standardised and, like the rest, lightly shrunk.
        var z = torch.cat([(x - mean) / std, torch.ones([n, 1], ScalarType.Float64)], 1);
        var zt = z.narrow(0, 0, cut);
        var weights = torch.linalg.solve(zt.T.matmul(zt) + ridge * torch.eye(d + 1, dtype: ScalarType.Float64), zt.T.matmul(y.narrow(0, 0, cut)));
        var predicted = z.narrow(0, cut, n - cut).matmul(weights).ge(0);
        var truth = y.narrow(0, cut, n - cut).gt(0);
        return predicted.eq(truth).to_type(ScalarType.Float64).mean().item<double>();
    }
}
