using System.CommandLine;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Generation;
using Spectre.Console;
using Blink.Workbench.Evaluation.Runs;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink eval</c>: any benchmark with any methods. Everything that can be checked is checked before the model
/// loads (benchmark, data, methods, TokenSR file, evidence boxes, old answer files); answering is resumable and
/// shardable; an unsharded run scores at once, a sharded one is finished by <c>blink eval merge</c>.
/// </summary>
internal static class EvalCommand
{
    /// <summary>Questions written for the default testbed data (the first --limit of them are used).</summary>
    public const int DefaultTestbedQuestions = 500;

    private static readonly string[] DefaultMethods = ["vanilla", "blink-interp"];

    public static Command Create()
    {
        var device = new DeviceOptions();
        var options = new EvalOptions();
        var mergeFlag = new Option<bool>("--merge") { Description = "Merge the shard answer files in --out and score (same as blink eval merge)" };
        var command = new Command("eval", "Answer a benchmark with vanilla, Blink-interp, Blink, ablations, FastV or the zoom oracle; resumable, shardable; scores and compares with the baseline.");
        options.AddTo(command, forMerge: false);
        command.Options.Add(mergeFlag);
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() => result.GetValue(mergeFlag)
            ? Merge(options.Read(result))
            : Answer(options.Read(result), result, options, device)));

        var mergeOptions = new EvalOptions();
        var merge = new Command("merge", "Merge the shard answer files (--num-chunks runs) of every method in --out, then score.");
        mergeOptions.AddTo(merge, forMerge: true);
        merge.SetAction(result => CliErrors.Run(() => Merge(mergeOptions.Read(result))));
        command.Subcommands.Add(merge);
        return command;
    }

    private static int Answer(EvalSettings s, ParseResult result, EvalOptions options, DeviceOptions deviceOptions)
    {
        var outDir = s.Out ?? Path.Combine("artifacts", "eval", (s.Benchmark ?? EvalOptions.DefaultBenchmark).ToLowerInvariant());
        var existed = Directory.Exists(outDir);
        try
        {
            return Answer(s, result, options, deviceOptions, outDir);
        }
        catch (Exception e) when (e is not OperationCanceledException && !existed && NothingAnswered(outDir))
        {
            // A run that failed before its first answer leaves no folder behind (it would look like a started run).
            try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    private static bool NothingAnswered(string outDir)
    {
        var answers = Path.Combine(outDir, MethodEvaluator.AnswersFolder);
        return !Directory.Exists(answers) || Directory.EnumerateFiles(answers, "*.jsonl").All(f => new FileInfo(f).Length == 0);
    }

    private static int Answer(EvalSettings s, ParseResult result, EvalOptions options, DeviceOptions deviceOptions, string outDir)
    {
        // 1. Everything checkable without the model.
        var benchmark = BenchmarkRegistry.Default.Get(s.Benchmark ?? EvalOptions.DefaultBenchmark);
        var evaluation = new EvaluationOptions(outDir, s.NumChunks ?? 1, s.ChunkIdx, s.Baseline, s.Bootstrap);
        evaluation.Validate();
        var resolved = options.Blink.Resolve(result);
        var (modelDir, config, blink, shape) = (resolved.ModelDir, resolved.Config, resolved.Blink, resolved.Bank);
        var names = new List<string>(s.Methods.Count == 0 ? DefaultMethods.Concat(shape is null ? [] : ["blink"]) : s.Methods);
        var catalogNames = resolved.Catalog;
        if (!s.WantsAll) names = names.Select(n => MethodCatalog.Find(catalogNames, n).Name).ToList();
        if (resolved.Note is { } note) AnsiConsole.MarkupLineInterpolated($"{note}");

        Directory.CreateDirectory(outDir);
        var dataDir = ResolveData(benchmark, s.Data, outDir, s.Limit);
        var items = LoadItems(benchmark, dataDir, s.Limit);
        MethodEvaluator.IndexById(items);
        var runFile = new EvalRunFile(benchmark.Name, Path.GetFullPath(dataDir), s.Limit, s.AnswerMode, Path.GetFullPath(modelDir), ModelFingerprint.Of(modelDir));
        if (s.NewRun && !runFile.Fits(outDir)) outDir = NextRunFolder(outDir);
        Directory.CreateDirectory(outDir);
        runFile.CheckAndWrite(outDir);
        evaluation = evaluation with { OutputDirectory = outDir };
        var hasEvidence = items.All(i => i.Evidence is not null);
        if (s.WantsAll)
        {
            names = [.. resolved.Standard.Select(m => m.Name)];
            foreach (var m in resolved.Standard.Where(m => (m.NeedsTokenSR && shape is null) || (m.UsesGroundTruth && !hasEvidence)))
            {
                names.Remove(m.Name);
                AnsiConsole.MarkupLineInterpolated($"[yellow]skipping {m.Name}[/]: {(m.NeedsTokenSR ? "needs --tokensr" : $"reads evidence boxes, which {benchmark.Name} does not have")}");
            }
        }
        if (catalogNames.Any(m => names.Contains(m.Name) && m.UsesGroundTruth) && hasEvidence)
            MethodEvaluator.CheckEvidenceBoxes(Chunking.GetChunk(items, evaluation.NumChunks, evaluation.ChunkIndex));
        foreach (var m in catalogNames.Where(m => names.Contains(m.Name)))
        {
            if (m.NeedsTokenSR && shape is null)
                throw new ArgumentException($"Method '{m.Name}' needs a trained TokenSR: pass --tokensr FILE or --run STUDY (train one with blink train-tokensr), or run blink-interp instead.");
            if (m.UsesGroundTruth && !hasEvidence)
                throw new ArgumentException($"Method '{m.Name}' reads the ground-truth evidence box, which {benchmark.Name} does not provide (only the testbed does).");
        }

        // 2. The model, then the methods built for it (Blink defaults scaled to its depth and grid, with overrides).
        var (device, dtype) = deviceOptions.Resolve(result, modelDir);
        var printer = new ProgressPrinter();
        AnsiConsole.MarkupLineInterpolated($"[bold]blink eval[/] {benchmark.Name}: {items.Count} questions from {dataDir}, shard {evaluation.ChunkIndex + 1} of {evaluation.NumChunks}, methods {string.Join(", ", names)}");
        using var bundle = ModelBundle.Load(modelDir, device, dtype, message => printer.Line(message, force: true), weightProgress: printer.Weights);
        AnsiConsole.MarkupLineInterpolated($"model {bundle.ModelId} ({config.TextConfig.NumHiddenLayers} layers, {config.VisionConfig.GridSize}×{config.VisionConfig.GridSize} grid) on {device} {dtype}; Blink layers {blink.FirstLayer}-{blink.LastLayer}, p = {blink.PatchSize}, τ_exp = {blink.TauExpand:G3}, τ_drop = {blink.TauDrop:G3}");
        var catalog = resolved.Catalog;
        var methods = names.Select(n => MethodCatalog.Find(catalog, n)).ToList();
        using var bank = resolved.TokenSRPath is null ? null : TokenSRBankFile.Load(resolved.TokenSRPath, config.TextConfig.HiddenSize, device);
        var maxNew = s.MaxNewTokens ?? (benchmark.Name == "mm-vet" ? 128 : 16);
        var runner = new MethodRunner(bundle, bank, new GenerationOptions(maxNew, EosId: bundle.Tokenizer.EosId), reuseProbes: true);
        runner.Validate(methods);
        IBenchmark answering = s.AnswerMode == "generate" ? new GeneratedAnswersBenchmark(benchmark) : benchmark;
        var mismatches = MethodEvaluator.Mismatches(runner, answering, methods, evaluation);
        if (mismatches.Count > 0)
        {
            if (!s.NewRun)
                throw new RunIdentityMismatchException(mismatches[0].Path, [.. mismatches.SelectMany(m => m.Differences)],
                    $"{outDir} holds answers made with other inputs than this run; reusing them would mix two configurations under one label:\n" +
                    string.Join("\n", mismatches.Select(m => $"  {m.Path}:\n    " + string.Join("\n    ", m.Differences))) +
                    "\nChoose another --out, pass --new-run to answer into a fresh folder beside it, or delete those files to start over.");
            outDir = NextRunFolder(outDir);
            evaluation = evaluation with { OutputDirectory = outDir };
            Directory.CreateDirectory(outDir);
            runFile.CheckAndWrite(outDir);
            AnsiConsole.MarkupLineInterpolated($"[yellow]--new-run:[/] the answers in {s.Out ?? outDir} were made with other inputs ({string.Join("; ", mismatches.SelectMany(m => m.Differences).Distinct().Take(4))}); answering into {outDir}");
        }
        ReportResume(items, methods, evaluation, bundle.ModelId);

        // 3. Answer (Ctrl+C stops between questions; what is written stays for the next run).
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            new MethodEvaluator(runner).Answer(answering, items, methods, evaluation, new EvalProgressPrinter(printer), cts.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        // 4. Score, or say how to finish a sharded run.
        if (evaluation.NumChunks > 1)
        {
            AnsiConsole.MarkupLineInterpolated($"shard {evaluation.ChunkIndex} of {evaluation.NumChunks} done. When every shard has finished: [green]blink eval merge --out {outDir}[/]");
            return 0;
        }
        EvalResultsPrinter.Print(MethodEvaluator.ScoreAll(benchmark, items, methods, evaluation), outDir);
        WriteDecompositionFigure(outDir);
        return 0;
    }

    /// <summary>The headroom decomposition's figure, when scoring wrote its table (vanilla, the zoom oracle and decomposition methods).</summary>
    private static void WriteDecompositionFigure(string outDir)
    {
        var json = Path.Combine(outDir, HeadroomDecomposition.FileStem + ".json");
        if (!File.Exists(json)) return;
        var png = Blink.Workbench.Plots.DecompositionChart.WritePng(json);
        AnsiConsole.MarkupLineInterpolated($"wrote [green]{Path.Combine(outDir, HeadroomDecomposition.FileStem + ".md")}[/] (where the headroom goes) and {png}");
    }

    private static int Merge(EvalSettings s)
    {
        var run = s.Out is null ? null : EvalRunFile.TryRead(s.Out);
        var benchmark = BenchmarkRegistry.Default.Get(s.Benchmark ?? run?.Benchmark ?? EvalOptions.DefaultBenchmark);
        var outDir = s.Out ?? Path.Combine("artifacts", "eval", benchmark.Name);
        run ??= EvalRunFile.TryRead(outDir);
        var dataDir = s.Data ?? run?.Data ?? (benchmark.Name == "testbed" ? TestbedDataFolder(outDir) : null)
            ?? throw new ArgumentException($"--data is needed to merge {benchmark.Name} (no {EvalRunFile.FileName} in {outDir}).");
        var items = LoadItems(benchmark, dataDir, s.Limit ?? run?.Limit);

        var shards = AnswerShards.Discover(outDir);
        var requested = s.Methods.Count > 0 && !s.WantsAll ? s.Methods : null;
        var toMerge = shards.Where(x => requested is null || requested.Contains(x.Method, StringComparer.OrdinalIgnoreCase)).ToList();
        if (requested is not null)
            foreach (var name in requested.Where(n => !shards.Any(x => x.Method.Equals(n, StringComparison.OrdinalIgnoreCase))))
                throw new FileNotFoundException($"No shard answer files for method '{name}' in {Path.Combine(outDir, MethodEvaluator.AnswersFolder)}.");
        if (toMerge.Count == 0)
            throw new FileNotFoundException($"No shard answer files ({{method}}.chunk{{i}}of{{n}}.jsonl) in {Path.Combine(outDir, MethodEvaluator.AnswersFolder)}; run blink eval with --num-chunks first.");

        var evaluation = new EvaluationOptions(outDir, 1, 0, s.Baseline, s.Bootstrap);
        var methods = new List<MethodSpec>();
        foreach (var shard in toMerge)
        {
            var chunks = s.NumChunks ?? shard.NumChunks;
            var spec = SpecFor(shard.Method);
            MethodEvaluator.Merge(items, [spec], evaluation with { NumChunks = chunks });
            AnsiConsole.MarkupLineInterpolated($"merged {chunks} shards of {spec.Name} into {MethodEvaluator.AnswerPath(evaluation, spec.Name)}");
            methods.Add(spec);
        }
        // Methods answered unsharded in the same folder are scored alongside (e.g. the baseline run once on one GPU).
        if (requested is null)
            methods.AddRange(AnswerShards.Complete(outDir).Where(n => !methods.Any(m => m.Name == n)).Select(SpecFor));
        methods = [.. methods.OrderBy(m => m.Name == s.Baseline ? 0 : 1)];
        EvalResultsPrinter.Print(MethodEvaluator.ScoreAll(benchmark, items, methods, evaluation), outDir);
        WriteDecompositionFigure(outDir);
        return 0;
    }

    /// <summary>Catalog methods by name; any other name (an answer file from elsewhere) is scored as a plain method.</summary>
    private static MethodSpec SpecFor(string name) =>
        MethodCatalog.Standard(new BlinkOptions()).FirstOrDefault(m => m.Name == name) ?? new MethodSpec(name, "answers from " + name, MethodKind.Vanilla);

    private static IReadOnlyList<BenchmarkItem> LoadItems(IBenchmark benchmark, string dataDir, int? limit)
    {
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"{benchmark.Name} data folder not found: {dataDir} (expected: {benchmark.Description}; see docs/benchmarks.md).");
        var items = benchmark.Load(dataDir);
        if (limit is { } n) items = items.Take(n).ToList();
        if (items.Count == 0) throw new InvalidDataException($"{dataDir}: no {benchmark.Name} questions found ({benchmark.Description}).");
        return items;
    }

    private static string ResolveData(IBenchmark benchmark, string? data, string outDir, int? limit)
    {
        if (data is not null) return data;
        if (benchmark.Name != "testbed")
            throw new ArgumentException($"--data DIR is required for {benchmark.Name} ({benchmark.Description}); see docs/benchmarks.md, or try it on 'blink benchmarks fixtures --out DIR'.");
        var folder = TestbedDataFolder(outDir);
        var needed = Math.Max(DefaultTestbedQuestions, limit ?? 0);
        var questions = Path.Combine(folder, TestbedWriter.QuestionsFile);
        if (File.Exists(questions) && File.ReadLines(questions).Count() >= needed) return folder;
        AnsiConsole.MarkupLineInterpolated($"writing {needed} testbed test questions to {folder}");
        // Written beside and moved into place, so a shard starting at the same time never reads half a split.
        var temp = $"{folder}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        var printer = new ProgressPrinter();
        TestbedWriter.WriteSplit(new TestbedGenerator(), TestbedSplit.Test, needed, temp,
            progress: new SynchronousProgress<(string Split, int Done, int Total)>(p => printer.Count($"{p.Split} samples", p.Done, p.Total)));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        try
        {
            Directory.Move(temp, folder);
        }
        catch (IOException) when (File.Exists(questions))
        {
            Directory.Delete(temp, recursive: true); // another shard moved an identical split in first
        }
        return folder;
    }

    /// <summary>The first of DIR-2, DIR-3, … that does not exist yet (for --new-run).</summary>
    private static string NextRunFolder(string outDir)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(outDir);
        for (var n = 2; ; n++)
            if (!Directory.Exists($"{trimmed}-{n}")) return $"{trimmed}-{n}";
    }

    private static string TestbedDataFolder(string outDir) => Path.Combine(outDir, "data", "testbed-test");

    private static void ReportResume(IReadOnlyList<BenchmarkItem> items, IReadOnlyList<MethodSpec> methods, EvaluationOptions evaluation, string modelId)
    {
        var shard = Chunking.GetChunk(items, evaluation.NumChunks, evaluation.ChunkIndex);
        foreach (var m in methods)
        {
            var path = MethodEvaluator.AnswerPath(evaluation, m.Name);
            if (!File.Exists(path)) continue;
            // Opening checks model and method line by line and cuts a torn last line, before any compute.
            using var writer = AnswerFileWriter.Open(path, modelId, m.Name, warn: w => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {w}"));
            var done = shard.Count(i => writer.AnsweredIds.Contains(i.Id));
            AnsiConsole.MarkupLineInterpolated($"{m.Name}: resuming {path}, {done} of {shard.Count} already answered");
        }
    }
}
