using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation.Benchmarks.Fixtures;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Tests.IO;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Workbench.Tests.EvalCli;

/// <summary>
/// The real llava-hf fixture checkpoint (random weights, SentencePiece tokenizer) and every benchmark's fixture data,
/// written and loaded once for all end-to-end evaluation tests.
/// </summary>
public sealed class EvalFixture : IDisposable
{
    private readonly int _threads;

    public EvalFixture()
    {
        // The fixture model's ops are tiny: one intra-op thread is ~10× faster than a pool fighting for shared cores.
        _threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        Root = Path.Combine(Path.GetTempPath(), "blink-evalcli-tests", Guid.NewGuid().ToString("N"));
        var set = BenchmarkFixtureWriter.Write(Path.Combine(Root, "data"), seed: 5);
        var testbed = Path.Combine(Root, "data", "testbed");
        TestbedWriter.WriteSplit(new TestbedGenerator(), TestbedSplit.Test, 8, testbed);
        DataDirectories = new Dictionary<string, string>(set.DataDirectories) { ["testbed"] = testbed };
        Bundle = ModelBundle.Load(FixturePaths.LlavaTinyHf);
        var config = Bundle.Model.Config;
        Methods = MethodCatalog.Standard(BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize));
        // Four new tokens are enough to exercise open-answer decoding (GQA, MM-Vet) and keep the suite fast.
        Runner = new MethodRunner(Bundle, generation: new GenerationOptions(4, EosId: Bundle.Tokenizer.EosId));
    }

    public string Root { get; }
    public IReadOnlyDictionary<string, string> DataDirectories { get; }
    public ModelBundle Bundle { get; }
    public MethodRunner Runner { get; }
    public IReadOnlyList<MethodSpec> Methods { get; }

    public IReadOnlyList<MethodSpec> VanillaAndInterp => [MethodCatalog.Find(Methods, "vanilla"), MethodCatalog.Find(Methods, "blink-interp")];

    public MethodSpec Method(string name) => MethodCatalog.Find(Methods, name);

    public IReadOnlyList<BenchmarkItem> Load(string benchmark, string? dataDirectory = null) =>
        BenchmarkRegistry.Default.Get(benchmark).Load(dataDirectory ?? DataDirectories[benchmark]);

    /// <summary>A fresh output folder under the fixture root.</summary>
    public string NewOutput(string name) => Path.Combine(Root, "out", name + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Copies a benchmark's data folder so a test can break it.</summary>
    public string CopyOf(string benchmark)
    {
        var source = DataDirectories[benchmark];
        var target = Path.Combine(Root, "copies", benchmark + "-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
        return target;
    }

    public void Dispose()
    {
        Bundle.Dispose();
        TorchSharp.torch.set_num_threads(_threads);
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class EvalCollection : ICollectionFixture<EvalFixture>
{
    public const string Name = "eval end to end";
}

/// <summary>Counts answered questions (the evaluator reports once per model call) and can stop a run after some.</summary>
public sealed class CountingProgress(CancellationTokenSource? stopAfter = null, int stopAt = int.MaxValue) : IProgress<EvaluationProgress>
{
    public int Calls { get; private set; }

    public void Report(EvaluationProgress value)
    {
        Calls++;
        if (Calls >= stopAt) stopAfter?.Cancel();
    }
}
