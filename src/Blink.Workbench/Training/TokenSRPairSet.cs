using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// Cached pairs grouped by layer: per layer, students [N, D, p, p] and teachers [N, D, s·p, s·p] (float32, CPU) and the
/// N pair infos in the same order. Owns its tensors.
/// </summary>
public sealed class TokenSRPairSet : IDisposable
{
    private readonly SortedDictionary<int, (Tensor Students, Tensor Teachers, TokenSRPairInfo[] Infos)> _layers = [];

    public TokenSRPairSet(IEnumerable<(int Layer, Tensor Students, Tensor Teachers, TokenSRPairInfo[] Infos)> layers)
    {
        foreach (var (layer, s, t, infos) in layers)
        {
            if (s.shape[0] != infos.Length || t.shape[0] != infos.Length)
                throw new ArgumentException($"Layer {layer}: {s.shape[0]} students, {t.shape[0]} teachers, {infos.Length} infos.");
            _layers[layer] = (s, t, infos);
        }
    }

    /// <summary>Groups loose pairs by layer (the order within a layer is kept).</summary>
    public static TokenSRPairSet FromPairs(IEnumerable<TokenSRPair> pairs) =>
        new(pairs.GroupBy(p => p.Info.Layer).Select(g =>
        {
            var list = g.ToArray();
            return (g.Key, torch.stack(list.Select(p => p.Student).ToArray()), torch.stack(list.Select(p => p.Teacher).ToArray()), list.Select(p => p.Info).ToArray());
        }).ToArray());

    public IReadOnlyList<int> Layers => _layers.Keys.ToArray();
    public Tensor Students(int layer) => _layers[layer].Students;
    public Tensor Teachers(int layer) => _layers[layer].Teachers;
    public IReadOnlyList<TokenSRPairInfo> Infos(int layer) => _layers[layer].Infos;
    public int Count(int layer) => _layers.TryGetValue(layer, out var l) ? l.Infos.Length : 0;
    public int TotalCount => _layers.Values.Sum(l => l.Infos.Length);
    public IEnumerable<TokenSRPairInfo> AllInfos => _layers.Values.SelectMany(l => l.Infos);

    public int HiddenSize => (int)_layers.Values.First().Students.shape[1];
    public int PatchSize => (int)_layers.Values.First().Students.shape[2];
    public int TeacherSize => (int)_layers.Values.First().Teachers.shape[2];

    /// <summary>The pairs whose info satisfies <paramref name="keep"/> (new tensors; layers left empty are dropped).</summary>
    public TokenSRPairSet Where(Func<TokenSRPairInfo, bool> keep)
    {
        var result = new List<(int, Tensor, Tensor, TokenSRPairInfo[])>();
        foreach (var (layer, (s, t, infos)) in _layers)
        {
            var idx = infos.Select((info, i) => (info, i)).Where(x => keep(x.info)).Select(x => (long)x.i).ToArray();
            if (idx.Length == 0) continue;
            using var index = torch.tensor(idx);
            result.Add((layer, s.index_select(0, index), t.index_select(0, index), idx.Select(i => infos[i]).ToArray()));
        }
        return new TokenSRPairSet(result);
    }

    /// <summary>
    /// Held-out split by sample (never by pair, so no sample's other layers leak into training): the last
    /// ⌈fraction · samples⌉ sample indices are validation.
    /// </summary>
    public (TokenSRPairSet Train, TokenSRPairSet Val) SplitBySample(double valFraction)
    {
        var samples = AllInfos.Select(i => i.Sample).Distinct().Order().ToArray();
        var valCount = valFraction <= 0 ? 0 : Math.Min(samples.Length - 1, Math.Max(1, (int)Math.Ceiling(valFraction * samples.Length)));
        var valSamples = samples.Skip(samples.Length - valCount).ToHashSet();
        return (Where(i => !valSamples.Contains(i.Sample)), Where(i => valSamples.Contains(i.Sample)));
    }

    public void Dispose()
    {
        foreach (var (s, t, _) in _layers.Values)
        {
            s.Dispose();
            t.Dispose();
        }
        _layers.Clear();
    }
}
