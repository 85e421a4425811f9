using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Analysis;

/// <summary>
/// A linear probe: does a set of vectors (visual features, a layer's hidden state) carry a yes/no (or few-valued) property linearly?
/// Ridge least squares on ±1 targets, features standardised on the training rows, scored by the sign on held-out rows.
/// Closed form, so it is deterministic and needs no learning rate; a probe that is near chance says the property is not
/// linearly there (or not with this few rows), one that is near 100% says a linear readout exists.
/// </summary>
public static class RidgeProbe
{
    /// <summary>Share of the rows that fit a probe unless told otherwise; the rest score it.</summary>
    public const double DefaultTrainShare = 0.7;

    /// <summary>Held-out accuracy of the probe: the first <paramref name="trainShare"/> of the rows fit it, the rest score it.</summary>
    public static double HeldOutAccuracy(IReadOnlyList<float[]> features, IReadOnlyList<bool> labels, double trainShare = DefaultTrainShare, double ridge = 1.0)
    {
        var cut = CheckedCut(features, labels.Count, trainShare, ridge);
        if (labels.Take(cut).Distinct().Count() < 2)
            throw new ArgumentException($"The {cut} training rows of the probe all have the label {labels[0]}; both labels are needed to fit it.", nameof(labels));
        using var scope = NewDisposeScope();
        var y = torch.tensor(labels.Select(l => l ? 1.0 : -1.0).ToArray(), [labels.Count, 1], ScalarType.Float64);
        var predicted = HeldOutScores(features, y, cut, ridge).GreaterOrEqual(0);
        return predicted.eq(y.narrow(0, cut, labels.Count - cut).Greater(0)).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// The same for a property with <paramref name="classes"/> values (0 … classes−1): one ridge readout per value on
    /// ±1 targets (one against the rest), the highest score wins. Chance is the share of the commonest value.
    /// </summary>
    public static double HeldOutAccuracy(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes, double trainShare = DefaultTrainShare, double ridge = 1.0)
    {
        var cut = CheckedCut(features, labels.Count, trainShare, ridge);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "a probe needs at least 2 classes.");
        for (var i = 0; i < labels.Count; i++)
            if (labels[i] < 0 || labels[i] >= classes)
                throw new ArgumentException($"Label {i} is {labels[i]}, outside 0…{classes - 1}.", nameof(labels));
        if (labels.Take(cut).Distinct().Count() < 2)
            throw new ArgumentException($"The {cut} training rows of the probe all have the label {labels[0]}; at least two labels are needed to fit it.", nameof(labels));
        using var scope = NewDisposeScope();
        var y = TensorMath.Full([labels.Count, classes], -1.0, ScalarType.Float64);
        for (var i = 0; i < labels.Count; i++) y[i, labels[i]] = 1.0;
        var predicted = HeldOutScores(features, y, cut, ridge).argmax(1);
        var truth = torch.tensor(labels.Skip(cut).Select(l => (long)l).ToArray());
        return predicted.eq(truth).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>How many of <paramref name="n"/> rows score the probe (the rest fit it).</summary>
    public static int HeldOutRows(int n, double trainShare = DefaultTrainShare) => n - (int)Math.Round(trainShare * n);

    private static int CheckedCut(IReadOnlyList<float[]> features, int labels, double trainShare, double ridge)
    {
        if (features.Count != labels)
            throw new ArgumentException($"The probe got {features.Count} feature vectors but {labels} labels.", nameof(labels));
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
        return cut;
    }

    /// <summary>Fits ridge readouts of the ±1 targets <paramref name="y"/> (n × k) on the first <paramref name="cut"/> rows; returns the scores of the rest.</summary>
    private static Tensor HeldOutScores(IReadOnlyList<float[]> features, Tensor y, int cut, double ridge)
    {
        var (n, d) = (features.Count, features[0].Length);
        var x = torch.tensor(features.SelectMany(f => f).ToArray(), [n, d], ScalarType.Float64);
        var train = x.narrow(0, 0, cut);
        var mean = train.mean([0], keepdim: true);
        var std = train.std([0], keepdim: true).ClampMin(1e-6);
        // A constant column carries the bias; it is not standardised and, like the rest, lightly shrunk.
        var z = torch.cat([(x - mean) / std, torch.ones([n, 1], ScalarType.Float64)], 1);
        var zt = z.narrow(0, 0, cut);
        var weights = torch.linalg.solve(zt.T.matmul(zt).Plus(torch.eye(d + 1, dtype: ScalarType.Float64).Times(ridge)), zt.T.matmul(y.narrow(0, 0, cut)));
        return z.narrow(0, cut, n - cut).matmul(weights);
    }
}
