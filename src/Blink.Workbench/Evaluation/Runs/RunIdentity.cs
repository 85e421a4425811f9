using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using TorchSharp;
using Blink.Workbench.Models;

namespace Blink.Workbench.Evaluation.Runs;

/// <summary>A resumed answer file was made with other inputs than this run; <see cref="Differences"/> lists them.</summary>
public sealed class RunIdentityMismatchException(string path, IReadOnlyList<string> differences, string message)
    : InvalidOperationException(message)
{
    public string Path { get; } = path;
    public IReadOnlyList<string> Differences { get; } = differences;
}

/// <summary>
/// Everything that can change a method's answers, stored beside its answer file as <c>{file}.identity.json</c>: the
/// model (weights fingerprint and the tokenizer / template / preprocessor files), the prompt template, the method's
/// name, kind and every resolved option (all of <see cref="BlinkOptions"/>, FastV's K and R, the crop's source and view,
/// all of <see cref="ViCropOptions"/>), the TokenSR bank's
/// weights, the answer mode and decoding length, dtype and device. Each answer line also carries a digest of its
/// question (prompt, image bytes, candidate answers, evidence box), so a changed question file is caught per question
/// while a different <c>--limit</c> still resumes. Thread count is not part of it: it moves float rounding only.
/// </summary>
public sealed class RunIdentity
{
    public const string FileSuffix = ".identity.json";

    /// <summary>The answer-line metadata key of the question digest.</summary>
    public const string QuestionDigestKey = "question_digest";

    private static readonly JsonSerializerOptions OptionsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public RunIdentity(IReadOnlyDictionary<string, string> fields) =>
        Fields = new SortedDictionary<string, string>(fields.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The identity of <paramref name="method"/> run by <paramref name="runner"/> on <paramref name="benchmark"/>.</summary>
    public static RunIdentity For(MethodSpec method, MethodRunner runner, IBenchmark benchmark)
    {
        var bundle = runner.Bundle;
        var fields = new Dictionary<string, string>
        {
            ["model"] = bundle.Folder is { } folder && Directory.Exists(folder) ? ModelFingerprint.Of(folder) : ModelFingerprint.Compute(bundle)[..16],
            ["model_files"] = bundle.Folder is { } f && Directory.Exists(f) ? SupportFilesDigest(f) : "in-memory",
            ["model_id"] = bundle.ModelId,
            ["prompt_template"] = bundle.Template.Name,
            ["dtype"] = bundle.Model.DType.ToString(),
            ["device"] = bundle.Model.Device.ToString(),
            ["answer_mode"] = benchmark is GeneratedAnswersBenchmark ? "generate" : "closed",
            ["max_new_tokens"] = runner.Generation.MaxNewTokens.ToString(CultureInfo.InvariantCulture),
            ["method"] = method.Name,
            ["method.kind"] = method.Kind.ToString(),
        };
        if (method.Blink is { } blink)
            foreach (var (key, value) in Flatten(JsonSerializer.SerializeToNode(blink, OptionsJson)!.AsObject()))
                fields["blink." + key] = value;
        if (method.Kind == MethodKind.FastV)
        {
            fields["fastv.k"] = method.FastVK.ToString(CultureInfo.InvariantCulture);
            fields["fastv.ratio"] = method.FastVRatio.ToString("R", CultureInfo.InvariantCulture);
        }
        if (method.Crop is { } crop)
        {
            fields["crop.source"] = crop.Source.ToString();
            fields["crop.view"] = crop.View.ToString();
        }
        if (method.ViCrop is { } vicrop)
            foreach (var (key, value) in Flatten(JsonSerializer.SerializeToNode(vicrop, OptionsJson)!.AsObject()))
                fields["vicrop." + key] = value;
        if (method.NeedsTokenSR)
            fields["tokensr"] = runner.TokenSR is { } bank ? WeightsDigest(bank) : "none";
        return new RunIdentity(fields);
    }

    /// <summary>"field: was X, now Y" for every field that differs (missing fields read as "(absent)").</summary>
    public IReadOnlyList<string> DifferencesFrom(RunIdentity earlier) =>
        Fields.Keys.Union(earlier.Fields.Keys).Order(StringComparer.Ordinal)
            .Where(k => Value(earlier, k) != Value(this, k))
            .Select(k => $"{k}: was {Value(earlier, k)}, now {Value(this, k)}")
            .ToList();

    public static string PathFor(string answerPath) =>
        System.IO.Path.ChangeExtension(answerPath, null) + FileSuffix;

    public static RunIdentity? TryRead(string answerPath)
    {
        var path = PathFor(answerPath);
        if (!File.Exists(path)) return null;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                       ?? throw new InvalidDataException($"{path}: expected a JSON object of identity fields.");
            return new RunIdentity(node.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v && v.TryGetValue(out string? s)
                ? s : throw new InvalidDataException($"{path}: field '{kv.Key}' is not a string.")));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid identity file ({e.Message}); it records which options made {answerPath}.", e);
        }
    }

    public void Write(string answerPath)
    {
        var json = new JsonObject(Fields.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value)));
        AtomicFile.WriteAllText(PathFor(answerPath), json.ToJsonString(JsonLines.IndentedOptions) + "\n");
    }

    /// <summary>
    /// Refuses to continue <paramref name="answerPath"/> unless it was made with this identity; records the identity
    /// for a new (or empty) file. Answers without an identity file cannot be told apart, so they are refused too.
    /// </summary>
    public void CheckOrRecord(string answerPath)
    {
        var earlier = TryRead(answerPath);
        var hasAnswers = File.Exists(answerPath) && new FileInfo(answerPath).Length > 0;
        if (earlier is null)
        {
            if (hasAnswers)
                throw new RunIdentityMismatchException(answerPath, ["(no identity file)"],
                    $"{answerPath} holds answers but no {System.IO.Path.GetFileName(PathFor(answerPath))}, so the options that made them are unknown " +
                    "and resuming could mix them with answers made with other options. Move the file away, choose another --out, or pass --new-run.");
            Write(answerPath);
            return;
        }
        var differences = DifferencesFrom(earlier);
        if (differences.Count == 0) return;
        if (!hasAnswers)
        {
            Write(answerPath);
            return;
        }
        throw new RunIdentityMismatchException(answerPath, differences,
            $"{answerPath} was answered with other inputs than this run, so its answers cannot be reused:\n  " +
            string.Join("\n  ", differences) +
            "\nChoose another --out, pass --new-run to write to a fresh folder beside it, or delete the file to start over.");
    }

    /// <summary>A short digest of what the model sees of one question: prompt, image bytes, candidates, evidence box.</summary>
    public static string QuestionDigest(BenchmarkItem item, IReadOnlyList<string>? candidates)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(s));
            sha.AppendData([0]);
        }
        Add(item.Id.Text);
        Add(item.Prompt);
        sha.AppendData(item.Image.ReadBytes());
        Add(candidates is null ? "" : string.Join("\u001f", candidates));
        Add(item.Evidence?.ToString() ?? "");
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant()[..16];
    }

    private static string Value(RunIdentity identity, string key) =>
        identity.Fields.TryGetValue(key, out var v) ? v : "(absent)";

    private static IEnumerable<(string Key, string Value)> Flatten(JsonObject obj) =>
        obj.Select(kv => (kv.Key, kv.Value switch
        {
            null => "null",
            JsonValue v when v.TryGetValue(out string? s) => s,
            var other => other.ToJsonString(),
        }));

    /// <summary>Everything in the model folder except the weights, which <see cref="ModelFingerprint.Of"/> covers.</summary>
    private static string SupportFilesDigest(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(folder).Where(p => !p.EndsWith(".safetensors", StringComparison.Ordinal) && new FileInfo(p).Length < (64 << 20))
                     .Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(file) + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant()[..16];
    }

    private static string WeightsDigest(TokenSRBank bank)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in bank.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name));
            using var cpu = tensor.detach().cpu().contiguous();
            sha.AppendData(cpu.bytes);
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant()[..16];
    }
}
