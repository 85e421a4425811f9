using System.CommandLine;

namespace Blink.Cli.Commands;

/// <summary>
/// The options of <c>blink eval</c> and <c>blink eval merge</c>. Built once per command (System.CommandLine binds an
/// option to one command), read into <see cref="EvalSettings"/>. Options without a default stay null when not given, so
/// a merge can fill them from the run file the answering step left.
/// </summary>
internal sealed class EvalOptions
{
    public const string DefaultBenchmark = "testbed";

    public Option<string?> Benchmark { get; } = new("--benchmark") { Description = "pope, mme, gqa, mmbench, mmbench-cn, scienceqa-img, mm-vet or testbed (default testbed; see blink benchmarks list)" };
    public Option<string?> Data { get; } = new("--data") { Description = "The benchmark's data folder (docs/benchmarks.md); testbed default: a test split written into the output folder" };
    public Option<string[]> Method { get; } = new("--method") { Description = "A method to run (repeat for several): vanilla, blink-interp, blink, blink-random, blink-fixed, blink-nodrop, blink-hightau, fastv, zoom-oracle", AllowMultipleArgumentsPerToken = true };
    public Option<string?> Methods { get; } = new("--methods") { Description = "'all' (every method whose inputs exist) or a comma-separated list" };
    public Option<int?> NumChunks { get; } = new("--num-chunks") { Description = "Split the questions into n shards (one job per GPU), like LLaVA's scripts" };
    public Option<int> ChunkIdx { get; } = new("--chunk-idx") { Description = "Which shard this job answers (0-based)", DefaultValueFactory = _ => 0 };
    public Option<int?> Limit { get; } = new("--limit") { Description = "Only the first N questions (quick runs)" };
    public Option<string?> Out { get; } = new("--out") { Description = "Output folder: answers/, results.*, metrics.*, official/ (default artifacts/eval/<benchmark>)" };
    public Option<string> Baseline { get; } = new("--baseline") { Description = "Method every other is compared with", DefaultValueFactory = _ => "vanilla" };
    public Option<int?> MaxNewTokens { get; } = new("--max-new-tokens") { Description = "Greedy decoding length for open answers (default 16; 128 for mm-vet)" };
    public Option<string> AnswerMode { get; } = new("--answer-mode") { Description = "closed: pick the likeliest of the benchmark's answers (Yes/No, option letters); generate: free greedy text parsed like LLaVA's scripts", DefaultValueFactory = _ => "closed" };
    public Option<bool> NewRun { get; } = new("--new-run") { Description = "When --out holds answers made with other inputs (model, method options, TokenSR, answer mode, dtype, device, questions), answer into a fresh folder DIR-2, DIR-3, … instead of refusing" };
    /// <summary>The model, TokenSR and Blink options shared with the other commands (answering only).</summary>
    public BlinkCliOptions Blink { get; } = new();

    public Option<int> Bootstrap { get; } = new("--bootstrap") { Description = "Paired bootstrap resamples", DefaultValueFactory = _ => 2000 };

    public void AddTo(Command command, bool forMerge)
    {
        command.Options.Add(Benchmark);
        command.Options.Add(Data);
        command.Options.Add(Method);
        command.Options.Add(Methods);
        command.Options.Add(NumChunks);
        command.Options.Add(Limit);
        command.Options.Add(Out);
        command.Options.Add(Baseline);
        command.Options.Add(Bootstrap);
        if (forMerge) return;
        Blink.AddTo(command);
        command.Options.Add(ChunkIdx);
        command.Options.Add(MaxNewTokens);
        command.Options.Add(AnswerMode);
        command.Options.Add(NewRun);
    }

    public EvalSettings Read(ParseResult r)
    {
        var methods = new List<string>(r.GetValue(Method) ?? []);
        var list = r.GetValue(Methods);
        if (!string.IsNullOrWhiteSpace(list))
            methods.AddRange(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var limit = r.GetValue(Limit);
        if (limit is < 1) throw new ArgumentException($"--limit must be ≥ 1, got {limit}.");
        var maxNew = r.GetValue(MaxNewTokens);
        if (maxNew is < 1) throw new ArgumentException($"--max-new-tokens must be ≥ 1, got {maxNew}.");
        var mode = r.GetValue(AnswerMode) ?? "closed";
        if (mode is not ("closed" or "generate")) throw new ArgumentException($"--answer-mode {mode}: expected closed or generate.");
        return new EvalSettings
        {
            AnswerMode = mode,
            Benchmark = r.GetValue(Benchmark), Data = r.GetValue(Data),
            Methods = methods.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            NumChunks = r.GetValue(NumChunks), ChunkIdx = r.GetValue(ChunkIdx), Limit = limit, Out = r.GetValue(Out),
            Baseline = r.GetValue(Baseline) ?? "vanilla", MaxNewTokens = maxNew, Bootstrap = r.GetValue(Bootstrap),
            NewRun = r.GetValue(NewRun),
        };
    }

}

/// <summary>The parsed options of one <c>blink eval</c> call.</summary>
internal sealed record EvalSettings
{
    public string? Benchmark { get; init; }
    public string? Data { get; init; }
    public IReadOnlyList<string> Methods { get; init; } = [];
    public int? NumChunks { get; init; }
    public int ChunkIdx { get; init; }
    public int? Limit { get; init; }
    public string? Out { get; init; }
    public string Baseline { get; init; } = "vanilla";
    public int? MaxNewTokens { get; init; }
    public int Bootstrap { get; init; } = 2000;
    public string AnswerMode { get; init; } = "closed";
    public bool NewRun { get; init; }

    public bool WantsAll => Methods.Any(m => m.Equals("all", StringComparison.OrdinalIgnoreCase));
}
