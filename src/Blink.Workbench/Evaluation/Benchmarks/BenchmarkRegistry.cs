namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// Benchmarks by name, for <c>blink eval --benchmark NAME --data DIR</c>. Names are matched case-insensitively;
/// an unknown name lists the known ones.
/// </summary>
public sealed class BenchmarkRegistry
{
    private readonly Dictionary<string, IBenchmark> _byName = new(StringComparer.OrdinalIgnoreCase);

    public BenchmarkRegistry(IEnumerable<IBenchmark> benchmarks)
    {
        foreach (IBenchmark b in benchmarks)
            if (!_byName.TryAdd(b.Name, b))
                throw new ArgumentException($"two benchmarks are named '{b.Name}'");
    }

    /// <summary>All benchmarks this workbench reads.</summary>
    public static BenchmarkRegistry Default { get; } = new(
    [
        new PopeBenchmark(), new MmeBenchmark(), new GqaBenchmark(), new MmBenchBenchmark(chinese: false),
        new MmBenchBenchmark(chinese: true), new ScienceQaBenchmark(), new MmVetBenchmark(), new TestbedBenchmark(),
    ]);

    public IReadOnlyList<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<IBenchmark> All => Names.Select(n => _byName[n]).ToList();

    public bool TryGet(string name, out IBenchmark benchmark) => _byName.TryGetValue(name, out benchmark!);

    public IBenchmark Get(string name) =>
        TryGet(name, out IBenchmark b)
            ? b
            : throw new KeyNotFoundException($"unknown benchmark '{name}'; known: {string.Join(", ", Names)}");
}
