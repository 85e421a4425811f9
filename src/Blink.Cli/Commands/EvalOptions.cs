using System.CommandLine;
using System.Globalization;

namespace Blink.Cli.Commands;

/// <summary>
/// The options of <c>blink eval</c> and <c>blink eval merge</c>. Built once per command (System.CommandLine binds an
/// option to one command), read into <see cref="EvalSettings"/>. Options without a default stay null when not given, so
/// a merge can fill them from the run file the answering step left.
/// </summary>
internal sealed class EvalOptions
{
    public const string DefaultModel = PilotCommand.DefaultModel;
    public const string DefaultBenchmark = "testbed";

    public Option<string?> Benchmark { get; } = new("--benchmark") { Description = "pope, mme, gqa, mmbench, mmbench-cn, scienceqa-img, mm-vet or testbed (default testbed; see blink benchmarks list)" };
    public Option<string?> Data { get; } = new("--data") { Description = "The benchmark's data folder (docs/benchmarks.md); testbed default: a test split written into the output folder" };
    public Option<string?> Model { get; } = new("--model") { Description = $"Model folder (llava-hf layout or a workbench model; default {DefaultModel})" };
    public Option<string[]> Method { get; } = new("--method") { Description = "A method to run (repeat for several): vanilla, blink-interp, blink, blink-random, blink-fixed, blink-nodrop, blink-hightau, fastv, zoom-oracle", AllowMultipleArgumentsPerToken = true };
    public Option<string?> Methods { get; } = new("--methods") { Description = "'all' (every method whose inputs exist) or a comma-separated list" };
    public Option<string?> TokenSR { get; } = new("--tokensr") { Description = "Trained TokenSR bank (.safetensors) for the blink method and its ablations" };
    public Option<string?> BlinkLayers { get; } = new("--blink-layers") { Description = "Decoder layers where Blink decides, 0-based inclusive: a-b or a (default: the paper's 12-18 of 32 scaled to the model, or the TokenSR bank's layers)" };
    public Option<int?> Patch { get; } = new("--patch") { Description = "Region side p in tokens (must divide the grid; default grid/6)" };
    public Option<double?> TauExp { get; } = new("--tau-exp") { Description = "Expansion threshold τ_exp on the region's attention share (default 3·p²/N)" };
    public Option<double?> TauDrop { get; } = new("--tau-drop") { Description = "Drop threshold τ_drop (default 1.5·p²/N)" };
    public Option<int> FastVK { get; } = new("--fastv-k") { Description = "FastV: prune after layer K-1", DefaultValueFactory = _ => 2 };
    public Option<double> FastVR { get; } = new("--fastv-r") { Description = "FastV: fraction of image tokens pruned", DefaultValueFactory = _ => 0.5 };
    public Option<int?> NumChunks { get; } = new("--num-chunks") { Description = "Split the questions into n shards (one job per GPU), like LLaVA's scripts" };
    public Option<int> ChunkIdx { get; } = new("--chunk-idx") { Description = "Which shard this job answers (0-based)", DefaultValueFactory = _ => 0 };
    public Option<int?> Limit { get; } = new("--limit") { Description = "Only the first N questions (quick runs)" };
    public Option<string?> Out { get; } = new("--out") { Description = "Output folder: answers/, results.*, metrics.*, official/ (default artifacts/eval/<benchmark>)" };
    public Option<string> Baseline { get; } = new("--baseline") { Description = "Method every other is compared with", DefaultValueFactory = _ => "vanilla" };
    public Option<int?> MaxNewTokens { get; } = new("--max-new-tokens") { Description = "Greedy decoding length for open answers (default 16; 128 for mm-vet)" };
    public Option<string> AnswerMode { get; } = new("--answer-mode") { Description = "closed: pick the likeliest of the benchmark's answers (Yes/No, option letters); generate: free greedy text parsed like LLaVA's scripts", DefaultValueFactory = _ => "closed" };
    public Option<bool> NewRun { get; } = new("--new-run") { Description = "When --out holds answers made with other inputs (model, method options, TokenSR, answer mode, dtype, device, questions), answer into a fresh folder DIR-2, DIR-3, … instead of refusing" };
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
        command.Options.Add(Model);
        command.Options.Add(TokenSR);
        command.Options.Add(BlinkLayers);
        command.Options.Add(Patch);
        command.Options.Add(TauExp);
        command.Options.Add(TauDrop);
        command.Options.Add(FastVK);
        command.Options.Add(FastVR);
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
            Benchmark = r.GetValue(Benchmark), Data = r.GetValue(Data), Model = r.GetValue(Model),
            Methods = methods.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            TokenSR = r.GetValue(TokenSR), BlinkLayers = ParseLayers(r.GetValue(BlinkLayers)), Patch = r.GetValue(Patch),
            TauExp = r.GetValue(TauExp), TauDrop = r.GetValue(TauDrop), FastVK = r.GetValue(FastVK), FastVR = r.GetValue(FastVR),
            NumChunks = r.GetValue(NumChunks), ChunkIdx = r.GetValue(ChunkIdx), Limit = limit, Out = r.GetValue(Out),
            Baseline = r.GetValue(Baseline) ?? "vanilla", MaxNewTokens = maxNew, Bootstrap = r.GetValue(Bootstrap),
            NewRun = r.GetValue(NewRun),
        };
    }

    /// <summary>"12-18" or "12" → (12, 18) / (12, 12).</summary>
    public static (int First, int Last)? ParseLayers(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var first = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var last = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            if (first <= last) return (first, last);
        }
        throw new ArgumentException($"--blink-layers '{text}': expected FIRST-LAST (0-based, inclusive, e.g. 12-18) or one layer.");
    }
}

/// <summary>The parsed options of one <c>blink eval</c> call.</summary>
internal sealed record EvalSettings
{
    public string? Benchmark { get; init; }
    public string? Data { get; init; }
    public string? Model { get; init; }
    public IReadOnlyList<string> Methods { get; init; } = [];
    public string? TokenSR { get; init; }
    public (int First, int Last)? BlinkLayers { get; init; }
    public int? Patch { get; init; }
    public double? TauExp { get; init; }
    public double? TauDrop { get; init; }
    public int FastVK { get; init; } = 2;
    public double FastVR { get; init; } = 0.5;
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
