using System.Text;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation.Runs;
using Blink.Notebooks;
using Blink.Notebooks.Documents;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation.Benchmarks.Fixtures;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Imaging;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Text;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>Every format the workbench reads from strangers, with its seeds, its reader and its own error types.</summary>
public static class FuzzFormats
{
    public static IReadOnlyList<FuzzFormat> All { get; } =
    [
        Safetensors(), ShardIndex(), ModelConfig(), Preprocessor(), WorkbenchMeta(), WordTokenizerFile(),
        SentencePiece("tokenizer-model", "tokenizer.model", FuzzStructure.Binary),
        SentencePiece("tokenizer-config", "tokenizer_config.json", FuzzStructure.Json),
        SentencePiece("added-tokens", "added_tokens.json", FuzzStructure.Json),
        Image("png", ".png", ImageSeeds.Png), Image("jpeg", ".jpg", ImageSeeds.Jpeg), Image("webp", ".webp", ImageSeeds.WebP),
        Image("gif", ".gif", ImageSeeds.Gif), Image("bmp", ".bmp", ImageSeeds.Bmp),
        Questions(), AnswersOnResume(),
        Benchmark("pope", "pope/" + PopeBenchmark.LlavaQuestionFileName, FuzzStructure.JsonLines),
        Benchmark("pope", "pope/coco/coco_pope_random.json", FuzzStructure.JsonLines, name: "pope-coco"),
        Benchmark("mme", $"mme/{MmeBenchmark.ReleaseFolderName}/color/0001.txt", FuzzStructure.Binary),
        Benchmark("gqa", "gqa/" + GqaBenchmark.QuestionsFileName, FuzzStructure.Json),
        Benchmark("mmbench", "mmbench/mmbench_dev_en_fixture.tsv", FuzzStructure.Binary),
        Benchmark("scienceqa-img", "scienceqa/" + ScienceQaBenchmark.QuestionFileName, FuzzStructure.Json),
        Benchmark("mm-vet", "mm-vet/" + MmVetBenchmark.OfficialFileName, FuzzStructure.Json),
        Benchmark("testbed", "testbed/questions.jsonl", FuzzStructure.JsonLines),
        TestbedOptionsJson(), TokenSRBankWeights(), TokenSRTrainerState(), EvalRun(), Identity(), Notebook(),
    ];

    public static FuzzFormat Get(string name) => All.Single(f => f.Name == name);

    private static bool Is<T>(Exception e) => e is T;

    // ---- checkpoints ------------------------------------------------------------------------------------------------

    private static byte[] WriteSafetensors(IEnumerable<(string Name, Tensor Tensor)> tensors, Dictionary<string, string>? metadata = null)
    {
        var path = Path.Combine(Path.GetTempPath(), "blink-fuzz-seed-" + Guid.NewGuid().ToString("N") + ".safetensors");
        var list = tensors.ToList();
        try
        {
            SafetensorsWriter.Write(path, list.Select(t => KeyValuePair.Create(t.Name, t.Tensor)), metadata);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
            foreach (var (_, t) in list) t.Dispose();
        }
    }

    private static FuzzFormat Safetensors() => new(
        "safetensors", FuzzStructure.Safetensors,
        () =>
        [
            WriteSafetensors([("a.weight", torch.arange(6, float32).reshape(2, 3)), ("b", torch.ones(4, float16)), ("c", torch.tensor(new long[] { 7 }))]),
            WriteSafetensors([("x", torch.zeros(0, 3)), ("y", torch.ones(2, 2, bfloat16)), ("z", torch.ones(3, uint8))],
                new Dictionary<string, string> { ["format"] = "pt" }),
        ],
        "model.safetensors",
        path =>
        {
            using var file = SafetensorsFile.Open(path);
            foreach (var key in file.Keys)
                file.ReadTensor(key).Dispose();
        },
        Is<CheckpointFormatException>);

    private static FuzzFormat ShardIndex()
    {
        static void WriteShards(string folder)
        {
            var tensors = new (string, Tensor)[] { ("l.0.w", torch.ones(8, 4)), ("l.0.b", torch.zeros(8)), ("l.1.w", torch.ones(4, 8)), ("l.1.b", torch.zeros(4)) };
            SafetensorsWriter.WriteSharded(folder, tensors.Select(t => KeyValuePair.Create(t.Item1, t.Item2)), maxShardBytes: 160);
            foreach (var (_, t) in tensors) t.Dispose();
        }
        return new FuzzFormat(
            "shard-index", FuzzStructure.Json,
            () =>
            {
                var folder = Path.Combine(Path.GetTempPath(), "blink-fuzz-seed-" + Guid.NewGuid().ToString("N"));
                WriteShards(folder);
                var bytes = File.ReadAllBytes(Path.Combine(folder, SafetensorsWriter.IndexFileName));
                Directory.Delete(folder, recursive: true);
                return [bytes];
            },
            SafetensorsWriter.IndexFileName,
            path =>
            {
                using var checkpoint = SafetensorsCheckpoint.Open(path);
                foreach (var key in checkpoint.Keys)
                    checkpoint.ReadTensor(key).Dispose();
            },
            Is<CheckpointFormatException>,
            WriteShards);
    }

    private static string RepoFile(params string[] parts)
    {
        var root = Path.GetFullPath(Path.Combine(FuzzHarness.CorpusRoot, "..", "..", "..", ".."));
        return Path.Combine([root, .. parts]);
    }

    private static FuzzFormat ModelConfig() => new(
        "config", FuzzStructure.Json,
        () =>
        [
            File.ReadAllBytes(RepoFile("data", "models", "tiny-testbed", "config.json")),
            File.ReadAllBytes(RepoFile("tests", "fixtures", "llava-tiny-hf", "config.json")),
            Encoding.UTF8.GetBytes(LlavaConfig.Llava15_7B().ToJson()),
        ],
        "config.json",
        path => LlavaConfig.FromFile(path),
        Is<InvalidDataException>);

    private static FuzzFormat Preprocessor() => new(
        "preprocessor-config", FuzzStructure.Json,
        () =>
        [
            File.ReadAllBytes(RepoFile("data", "models", "tiny-testbed", "preprocessor_config.json")),
            File.ReadAllBytes(RepoFile("tests", "fixtures", "llava-tiny-hf", "preprocessor_config.json")),
        ],
        "preprocessor_config.json",
        path => ModelBundle.ReadPreprocessor(Path.GetDirectoryName(path)!, LlavaConfig.FromFile(RepoFile("data", "models", "tiny-testbed", "config.json"))),
        Is<InvalidDataException>);

    private static FuzzFormat WorkbenchMeta() => new(
        "blink-json", FuzzStructure.Json,
        () => [File.ReadAllBytes(RepoFile("data", "models", "tiny-testbed", "blink.json"))],
        "blink.json",
        path => ModelBundle.ReadWorkbenchFile(Path.GetDirectoryName(path)!),
        Is<InvalidDataException>);

    private static FuzzFormat WordTokenizerFile() => new(
        "word-tokenizer", FuzzStructure.Json,
        () => [File.ReadAllBytes(RepoFile("data", "models", "tiny-testbed", "word_tokenizer.json"))],
        "word_tokenizer.json",
        path => WordTokenizer.Load(path),
        Is<InvalidDataException>);

    private static readonly string[] TokenizerFiles = ["tokenizer.model", "tokenizer_config.json", "added_tokens.json", "special_tokens_map.json", "config.json"];

    private static FuzzFormat SentencePiece(string name, string file, FuzzStructure structure) => new(
        name, structure,
        () => [File.ReadAllBytes(RepoFile("tests", "fixtures", "llava-tiny-hf", file))],
        file,
        path => LlamaSentencePieceTokenizer.FromPretrained(Path.GetDirectoryName(path)!).Encode("What color is the <image> star?", addBos: true),
        Is<TokenizerFormatException>,
        folder =>
        {
            foreach (var f in TokenizerFiles)
                File.Copy(RepoFile("tests", "fixtures", "llava-tiny-hf", f), Path.Combine(folder, f));
        });

    // ---- images -----------------------------------------------------------------------------------------------------

    private static FuzzFormat Image(string name, string extension, Func<IReadOnlyList<byte[]>> seeds) => new(
        name, FuzzStructure.Image, seeds, "image" + extension,
        path =>
        {
            using var bitmap = ImageLoader.Load(path);
            if ((long)bitmap.Width * bitmap.Height > ImageLoader.MaxPixels)
                throw new InvalidOperationException($"decoded {bitmap.Width}x{bitmap.Height}, above the {ImageLoader.MaxPixels}-pixel limit");
        },
        Is<ImageLoadException>);

    // ---- evaluation files -------------------------------------------------------------------------------------------

    private static FuzzFormat Questions() => new(
        "questions", FuzzStructure.JsonLines,
        () =>
        [
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3).Select(i => JsonLines.Serialize(QuestionFile.ToJson(new QuestionRecord
            {
                QuestionId = QuestionId.FromNumber(i), Image = $"img_{i}.png", Text = $"Is there a star?\n<image>", Category = "color",
                Answer = "yes", Choices = ["yes", "no"], EvidenceBox = new EvidenceBox(1, 2, 30.5, 40),
            })) + "\n"))),
            File.ReadAllBytes(Path.Combine(BenchmarkTemplate.Value, "testbed", "questions.jsonl")),
        ],
        "questions.jsonl",
        path => QuestionFile.Read(path),
        Is<BenchmarkFormatException>);

    private static FuzzFormat AnswersOnResume() => new(
        "answers", FuzzStructure.JsonLines,
        () =>
        {
            var lines = Enumerable.Range(0, 3).Select(i => AnswerFile.ToJson(new AnswerRecord
            {
                QuestionId = i == 1 ? QuestionId.FromString("q-1") : QuestionId.FromNumber(i), Prompt = "Q?", Text = "yes", AnswerId = "a" + i, ModelId = "m",
                Metadata = new JsonObject { [AnswerFile.MethodKey] = "vanilla", [RunIdentity.QuestionDigestKey] = "abc" },
            })).Select(JsonLines.Serialize).ToList();
            return [Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n" + lines[0][..20])];
        },
        "vanilla.jsonl",
        path =>
        {
            using (var writer = AnswerFileWriter.Open(path, "m", "vanilla"))
                _ = writer.AnsweredIds.Count;
            AnswerFile.ReadUnique(path);
        },
        Is<BenchmarkFormatException>);

    /// <summary>One fixture set of every benchmark, written once and copied into each benchmark's work folder.</summary>
    private static readonly Lazy<string> BenchmarkTemplate = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "blink-fuzz-benchmarks-" + Guid.NewGuid().ToString("N")[..8]);
        BenchmarkFixtureWriter.Write(root, seed: 11);
        return root;
    });

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    private static FuzzFormat Benchmark(string benchmark, string file, FuzzStructure structure, string? name = null)
    {
        var folder = file.Split('/')[0];
        return new FuzzFormat(
            "bench-" + (name ?? benchmark), structure,
            () => [File.ReadAllBytes(Path.Combine(BenchmarkTemplate.Value, file))],
            file,
            path =>
            {
                var dataDirectory = path[..(path.Length - file.Length)] + folder;
                var items = BenchmarkRegistry.Default.Get(benchmark).Load(dataDirectory);
                foreach (var item in items)
                    _ = item.Prompt.Length + item.Id.ToString().Length;
            },
            // The testbed's own question reader reports InvalidDataException (FileNotFoundException for a missing
            // image) with file and line.
            e => e is BenchmarkFormatException or ImageLoadException || (benchmark == "testbed" && e is InvalidDataException or FileNotFoundException),
            work => CopyFolder(Path.Combine(BenchmarkTemplate.Value, folder), Path.Combine(work, folder)));
    }

    // ---- testbed, TokenSR, run files, notebooks ---------------------------------------------------------------------

    private static FuzzFormat TestbedOptionsJson() => new(
        "testbed-options", FuzzStructure.Json,
        () =>
        {
            var path = Path.Combine(Path.GetTempPath(), "blink-fuzz-seed-" + Guid.NewGuid().ToString("N") + ".json");
            TestbedOptionsFile.Save(new TestbedOptions(), path);
            var bytes = File.ReadAllBytes(path);
            File.Delete(path);
            return [bytes, "{\"seed\": 5, \"input_size\": 112}"u8.ToArray()];
        },
        "options.json",
        path => TestbedOptionsFile.Load(path),
        e => e is InvalidDataException or ArgumentException);

    private static FuzzFormat TokenSRBankWeights() => new(
        "tokensr-bank", FuzzStructure.Safetensors,
        () =>
        {
            var path = Path.Combine(Path.GetTempPath(), "blink-fuzz-seed-" + Guid.NewGuid().ToString("N") + ".safetensors");
            using (var bank = new TokenSRBank([1, 3], hiddenSize: 8, width: 4))
                CheckpointLoader.Save(bank, path, new Dictionary<string, string> { ["format"] = "pt", ["blink"] = "tokensr" });
            var bytes = File.ReadAllBytes(path);
            File.Delete(path);
            return [bytes];
        },
        "tokensr.safetensors",
        path => TokenSRBankFile.Load(path, hiddenSize: 8).Dispose(),
        e => e is CheckpointFormatException or CheckpointMismatchException or InvalidDataException);

    private static FuzzFormat TokenSRTrainerState() => new(
        "tokensr-trainer-state", FuzzStructure.Json,
        () =>
        [
            Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new TokenSRTrainer.TrainerState(40, "key", "{\"Steps\":80}",
                [new TokenSRCurvePoint(20, 0.5, 0.6, 0.7, new Dictionary<string, double> { ["3"] = 0.6 }), new TokenSRCurvePoint(40, 0.4)], 2))),
        ],
        "trainer_state.json",
        path =>
        {
            var state = TokenSRTrainer.ReadState(path);
            // What the trainer does with a resumed state next: compare keys, append to the curve, count from Step.
            if (state.CacheKey is null || state.Options is null || state.Curve is null || state.Curve.Any(p => p is null) || state.Step < 0)
                throw new InvalidOperationException($"ReadState returned an unusable state: {state}");
        },
        Is<InvalidDataException>);

    private static FuzzFormat EvalRun() => new(
        "eval-run", FuzzStructure.Json,
        () =>
        [
            Encoding.UTF8.GetBytes("{\n  \"benchmark\": \"pope\",\n  \"data\": \"/data/pope\",\n  \"limit\": 300,\n  \"answer_mode\": \"closed\",\n  \"model\": \"data/models/tiny-testbed\",\n  \"model_fingerprint\": \"abc123\"\n}\n"),
        ],
        EvalRunFile.FileName,
        path =>
        {
            var folder = Path.GetDirectoryName(path)!;
            _ = EvalRunFile.TryRead(folder);
            var run = new EvalRunFile("pope", "/data/pope", 300, "closed", "data/models/tiny-testbed", "abc123");
            if (run.Fits(folder)) run.CheckAndWrite(folder);
        },
        e => e is InvalidDataException or ArgumentException);

    private static FuzzFormat Identity() => new(
        "identity", FuzzStructure.Json,
        () =>
        [
            Encoding.UTF8.GetBytes(new JsonObject { ["model"] = "tiny", ["method"] = "vanilla", ["dtype"] = "float32", ["max_new_tokens"] = "8" }.ToJsonString()),
        ],
        "vanilla" + RunIdentity.FileSuffix,
        path =>
        {
            var answers = Path.Combine(Path.GetDirectoryName(path)!, "vanilla.jsonl");
            var read = RunIdentity.TryRead(answers);
            _ = read?.DifferencesFrom(new RunIdentity(new Dictionary<string, string> { ["model"] = "tiny" }));
        },
        e => e is InvalidDataException or RunIdentityMismatchException);

    private static FuzzFormat Notebook() => new(
        "notebook", FuzzStructure.Json,
        () =>
        [
            Encoding.UTF8.GetBytes("""
            {"cells":[{"cell_type":"markdown","id":"a1","metadata":{},"source":["# Title\n","text"]},
            {"cell_type":"code","execution_count":3,"id":"b2","metadata":{"dotnet_interactive":{"language":"csharp"}},
            "outputs":[{"output_type":"stream","name":"stdout","text":["hi\n"]},{"output_type":"execute_result","execution_count":3,"data":{"text/plain":["42"]},"metadata":{}},
            {"output_type":"error","ename":"E","evalue":"v","traceback":["t"]},{"output_type":"display_data","data":{"text/html":"<b>x</b>"},"metadata":{}}],
            "source":"var x = 1;"}],
            "metadata":{"kernelspec":{"display_name":".NET (C#)","language":"C#","name":".net-csharp"}},"nbformat":4,"nbformat_minor":5}
            """),
            File.ReadAllBytes(RepoFile("notebooks", "03-evaluate-blink.ipynb")),
        ],
        "notebook.ipynb",
        path =>
        {
            NotebookStripper.Strip(path);
            _ = NotebookStripper.IsStripped(path);
        },
        Is<NotebookFormatException>);
}
