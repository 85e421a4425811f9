using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Workbench.Imaging;
using Blink.Workbench.IO;
using Blink.Workbench.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

/// <summary>
/// Everything needed to ask a model a question about an image: the network, its tokenizer, its prompt template and its
/// image preprocessing, loaded from one folder in the Hugging Face layout (<c>config.json</c>, safetensors weights,
/// <c>preprocessor_config.json</c>, and <c>tokenizer.model</c> or the testbed's <c>word_tokenizer.json</c>).
/// <c>blink.json</c>, when present, names the prompt template and the model id.
/// </summary>
public sealed class ModelBundle : IDisposable
{
    public const string WorkbenchFile = "blink.json";
    public const string WordTokenizerFile = "word_tokenizer.json";
    public const string PreprocessorFile = "preprocessor_config.json";

    public ModelBundle(LlavaForConditionalGeneration model, ITextTokenizer tokenizer, PromptTemplate template, ImagePreprocessor preprocessor, string modelId, string? folder = null)
    {
        TorchRuntime.DisableNNPack();
        Model = model;
        Tokenizer = tokenizer;
        Template = template;
        Preprocessor = preprocessor;
        ModelId = modelId;
        Folder = folder;
        if (preprocessor.Options.Size != model.Config.VisionConfig.ImageSize)
            throw new InvalidDataException($"{folder ?? modelId}: the image preprocessor makes {preprocessor.Options.Size}px inputs but the vision tower expects {model.Config.VisionConfig.ImageSize}px.");
    }

    public LlavaForConditionalGeneration Model { get; }
    public ITextTokenizer Tokenizer { get; }
    public PromptTemplate Template { get; }
    public ImagePreprocessor Preprocessor { get; }
    public string ModelId { get; }
    public string? Folder { get; }

    public PromptBuilder Prompts => new(Tokenizer, Template, Model.Config.ImageTokenCount);

    /// <summary>[1, T] int64 prompt ids with the image placeholder expanded (<paramref name="images"/> placeholders, a line apart).</summary>
    public Tensor PromptIds(string question, int images = 1) =>
        torch.tensor(Prompts.BuildIds(question, images: images), dtype: ScalarType.Int64).unsqueeze(0);

    /// <summary>Loads a model folder. Weights go to <paramref name="device"/> in <paramref name="dtype"/> (default float32).</summary>
    /// <param name="folder">A llava-hf folder (config.json, safetensors, tokenizer.model, preprocessor_config.json).</param>
    /// <param name="device">Where the weights go (CPU when null).</param>
    /// <param name="dtype">Weight dtype (float32 when null).</param>
    /// <param name="progress">Messages about the stages of loading.</param>
    /// <param name="weightProgress">Called after each weight tensor is loaded (for a progress bar).</param>
    public static ModelBundle Load(string folder, Device? device = null, ScalarType? dtype = null, Action<string>? progress = null,
        Action<CheckpointLoadProgress>? weightProgress = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Model folder not found: {folder}");
        var config = LlavaConfig.FromFile(Path.Combine(folder, "config.json"));
        var meta = ReadWorkbenchFile(folder);
        ITextTokenizer tokenizer;
        if (File.Exists(Path.Combine(folder, WordTokenizerFile))) tokenizer = WordTokenizer.Load(Path.Combine(folder, WordTokenizerFile));
        else if (File.Exists(Path.Combine(folder, "tokenizer.model"))) tokenizer = LlamaSentencePieceTokenizer.FromPretrained(folder);
        else throw new FileNotFoundException($"{folder}: no tokenizer (expected tokenizer.model or {WordTokenizerFile}).");
        if (tokenizer.ImageTokenId != config.ImageTokenIndex)
            throw new InvalidDataException($"{folder}: the tokenizer's <image> id {tokenizer.ImageTokenId} differs from config.json image_token_index {config.ImageTokenIndex}.");
        var preprocessor = new ImagePreprocessor(ReadPreprocessor(folder, config));
        var template = PromptTemplate.ByName(meta.Template ?? "vicuna_v1");
        progress?.Invoke($"loading weights from {folder}");
        var model = LlavaWeights.Load(folder, config, device ?? torch.CPU, dtype ?? ScalarType.Float32, weightProgress);
        try
        {
            return new ModelBundle(model, tokenizer, template, preprocessor, meta.ModelId ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), folder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes config, weights (atomic), preprocessor settings, tokenizer (word tokenizers only) and blink.json.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), Model.Config.ToJson());
        CheckpointLoader.Save(Model, Path.Combine(folder, "model.safetensors"), new Dictionary<string, string> { ["format"] = "pt" });
        var o = Preprocessor.Options;
        var pre = new JsonObject
        {
            ["crop_size"] = new JsonObject { ["height"] = o.Size, ["width"] = o.Size },
            ["size"] = new JsonObject { ["shortest_edge"] = o.Size },
            ["do_center_crop"] = o.Mode == ImageResizeMode.ResizeShortestAndCenterCrop,
            ["image_mean"] = new JsonArray(o.Mean.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
            ["image_std"] = new JsonArray(o.Std.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
            ["resample"] = o.Resampling == ImageResampling.Bicubic ? 3 : o.Resampling == ImageResampling.Bilinear ? 2 : 0,
            ["image_processor_type"] = "CLIPImageProcessor",
            ["blink_resize_mode"] = o.Mode == ImageResizeMode.PadToSquare ? "pad_to_square" : "resize_shortest_and_center_crop",
        };
        AtomicFile.WriteAllText(Path.Combine(folder, PreprocessorFile), pre.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (Tokenizer is WordTokenizer word) AtomicFile.WriteAllText(Path.Combine(folder, WordTokenizerFile), word.ToJson());
        var meta = new JsonObject { ["model_id"] = ModelId, ["prompt_template"] = Template.Name };
        AtomicFile.WriteAllText(Path.Combine(folder, WorkbenchFile), meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    internal sealed record WorkbenchMeta(string? ModelId, string? Template);

    /// <summary>A key twice is refused while parsing (JsonObject would throw ArgumentException when first used).</summary>
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    internal static WorkbenchMeta ReadWorkbenchFile(string folder)
    {
        var path = Path.Combine(folder, WorkbenchFile);
        if (!File.Exists(path)) return new WorkbenchMeta(null, null);
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: StrictJson)?.AsObject() ?? throw new InvalidDataException($"{path}: expected a JSON object.");
            return new WorkbenchMeta(node["model_id"]?.GetValue<string>(), node["prompt_template"]?.GetValue<string>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Image settings from <c>preprocessor_config.json</c>. LLaVA-1.5's own evaluation pads to a square with the mean
    /// colour; llava-hf's processor resizes and centre-crops. We pad unless the file says <c>blink_resize_mode</c>
    /// otherwise, to match the numbers LLaVA's evaluation scripts produce.
    /// </summary>
    internal static ImagePreprocessOptions ReadPreprocessor(string folder, LlavaConfig config)
    {
        var path = Path.Combine(folder, PreprocessorFile);
        var options = new ImagePreprocessOptions { Size = config.VisionConfig.ImageSize, PatchSize = config.VisionConfig.PatchSize };
        if (!File.Exists(path)) return options;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: StrictJson)?.AsObject() ?? throw new InvalidDataException($"{path}: expected a JSON object.");
            float[]? Floats(JsonNode? n) => n is JsonArray a ? a.Select(v => v?.GetValue<float>() ?? throw new InvalidDataException($"{path}: image_mean and image_std hold numbers, not null.")).ToArray() : null;
            var mean = Floats(node["image_mean"]);
            var std = Floats(node["image_std"]);
            if (mean is { Length: not 3 } || std is { Length: not 3 }) throw new InvalidDataException($"{path}: image_mean and image_std need three values.");
            var mode = node["blink_resize_mode"]?.GetValue<string>() switch
            {
                null or "pad_to_square" => ImageResizeMode.PadToSquare,
                "resize_shortest_and_center_crop" => ImageResizeMode.ResizeShortestAndCenterCrop,
                var m => throw new InvalidDataException($"{path}: blink_resize_mode '{m}' is not pad_to_square or resize_shortest_and_center_crop."),
            };
            options = options with { Mean = mean ?? options.Mean, Std = std ?? options.Std, Mode = mode };
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public void Dispose() => Model.Dispose();
}
