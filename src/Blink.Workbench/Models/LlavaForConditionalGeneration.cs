using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Language;
using Blink.Workbench.Models.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

public enum LogitsMode
{
    /// <summary>Logits of the last position only (inference).</summary>
    Last,
    /// <summary>Logits of every position (training, likelihood scoring).</summary>
    All,
}

/// <param name="InputIds">[B, T] int64, with one image-token id per visual token (the prompt builder expands them).</param>
/// <param name="PixelValues">[B, 3, S, S] preprocessed images ([k·B, 3, S, S] for k images per prompt, each prompt's images in order), or null for text-only / decode steps.</param>
/// <param name="Cache">Per-layer KV cache to fill (prefill) or continue (decode); null runs without a cache.</param>
/// <param name="Interceptor">Observes and edits the decoder between layers; null is vanilla inference.</param>
/// <param name="Logits">Which positions get logits.</param>
/// <param name="ImageFeatures">[B, N, D] projected visual tokens computed earlier (skips the vision tower).</param>
public sealed record LlavaInput(
    Tensor InputIds,
    Tensor? PixelValues = null,
    KvCache? Cache = null,
    IDecoderInterceptor? Interceptor = null,
    LogitsMode Logits = LogitsMode.Last,
    Tensor? ImageFeatures = null);

/// <param name="Logits">[B, 1 or T, V] float32.</param>
/// <param name="Layout">The sequence layout after the last layer (after any interventions).</param>
/// <param name="TokensPerLayer">How many tokens each decoder layer processed.</param>
public sealed record LlavaOutput(Tensor Logits, SequenceLayout? Layout, IReadOnlyList<int> TokensPerLayer);

/// <summary>
/// A LLaVA-style multimodal model: CLIP-style vision tower → projector → LLaMA decoder. Field names match the
/// llava-hf checkpoint keys (<c>vision_tower.vision_model.*</c>, <c>multi_modal_projector.*</c>,
/// <c>language_model.model.*</c>, <c>language_model.lm_head</c>), so one code path serves a tiny model and LLaVA-1.5-7B.
/// </summary>
public sealed class LlavaForConditionalGeneration : nn.Module<LlavaInput, LlavaOutput>
{
#pragma warning disable IDE1006
    private readonly CLIPVisionModel vision_tower;
    private readonly LlavaMultiModalProjector multi_modal_projector;
    private readonly LlamaForCausalLM language_model;
#pragma warning restore IDE1006

    public LlavaForConditionalGeneration(LlavaConfig config, Device? device = null) : base(nameof(LlavaForConditionalGeneration))
    {
        config.Validate();
        Config = config;
        vision_tower = new CLIPVisionModel(config.VisionConfig, device);
        multi_modal_projector = new LlavaMultiModalProjector(config, device);
        language_model = new LlamaForCausalLM(config.TextConfig, device);
        RegisterComponents();
    }

    public LlavaConfig Config { get; }

    public LlamaForCausalLM LanguageModel => language_model;

    public int DecoderLayerCount => Config.TextConfig.NumHiddenLayers;

    /// <summary>The device the weights live on.</summary>
    public Device Device => language_model.parameters().First().device;

    public ScalarType DType => language_model.parameters().First().dtype;

    /// <summary>
    /// Hugging Face's vision <c>hidden_states[index]</c> with the class token at row 0: 0 is the embedding after
    /// <c>pre_layrnorm</c>, i the output of encoder layer i−1. [B, 1 + N, Dv] in the model's dtype.
    /// </summary>
    public Tensor GetVisionHiddenState(Tensor pixelValues, int index)
    {
        if (index < 0 || index > Config.VisionConfig.NumHiddenLayers)
            throw new ArgumentOutOfRangeException(nameof(index), $"Vision hidden state {index} is outside 0..{Config.VisionConfig.NumHiddenLayers}.");
        return vision_tower.HiddenState(pixelValues.to(Device), index);
    }

    /// <summary>Visual tokens for the language model: the configured vision layer, CLS dropped, projected. [B, N, D].</summary>
    public Tensor GetImageFeatures(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var hidden = vision_tower.HiddenState(pixelValues.to(Device), Config.VisionHiddenStateIndex);
        if (Config.VisionFeatureSelectStrategy == "default") hidden = hidden[.., 1..];
        return multi_modal_projector.forward(hidden.to(DType)).MoveToOuterDisposeScope();
    }

    public override LlavaOutput forward(LlavaInput input)
    {
        using var scope = NewDisposeScope();
        var ids = input.InputIds.to(Device);
        if (ids.dim() != 2) throw new ArgumentException($"input ids must be [batch, tokens], got {ids.dim()} dimensions.");
        var embeds = language_model.Model.EmbedTokens(ids);
        SequenceLayout? layout = null;
        var features = input.ImageFeatures ?? (input.PixelValues is null ? null : GetImageFeatures(input.PixelValues));
        // k images per prompt arrive as k·B feature rows, each prompt's images in order: one row of k·N tokens per prompt.
        if (features is not null && features.shape[0] != ids.shape[0] && ids.shape[0] > 0 && features.shape[0] % ids.shape[0] == 0)
            features = features.reshape(ids.shape[0], -1, features.shape[2]);
        if (features is not null)
        {
            layout = ImageLayout(input.InputIds, features);
            var mask = ids.ElementEquals(Config.ImageTokenIndex).unsqueeze(-1).expand_as(embeds);
            embeds = embeds.masked_scatter(mask, features.to(embeds.dtype).to(embeds.device));
        }
        var decoded = language_model.forward(new DecoderInput(embeds, null, layout, input.Cache, input.Interceptor));
        var hidden = input.Logits == LogitsMode.Last ? decoded.LastHiddenState.narrow(1, decoded.LastHiddenState.shape[1] - 1, 1) : decoded.LastHiddenState;
        var logits = language_model.LmHead(hidden).to(ScalarType.Float32);
        return new LlavaOutput(logits.MoveToOuterDisposeScope(), decoded.Layout, decoded.TokensPerLayer);
    }

    /// <summary>
    /// Finds the image spans from the ids (once per forward, on the host, outside the layer loop). One image: exactly one
    /// visual token per feature, in one contiguous run. Several images of one prompt (the features of each prompt's
    /// images concatenated in order): one run of <see cref="LlavaConfig.ImageTokenCount"/> tokens per image. Every batch
    /// row must place its images at the same positions.
    /// </summary>
    private SequenceLayout ImageLayout(Tensor inputIds, Tensor features)
    {
        var ids = inputIds.cpu();
        long b = ids.shape[0], t = ids.shape[1];
        var n = features.shape[1];
        if (features.shape[0] != b)
            throw new ArgumentException($"{features.shape[0]} images were given for a batch of {b} prompts.");
        var flat = ids.ToLongArray();
        List<(int Start, int Length)>? runs = null;
        for (var row = 0; row < b; row++)
        {
            var rowRuns = new List<(int Start, int Length)>();
            var count = 0;
            for (var i = 0; i < t; i++)
            {
                if (flat[row * t + i] != Config.ImageTokenIndex) continue;
                count++;
                if (rowRuns.Count > 0 && rowRuns[^1].Start + rowRuns[^1].Length == i) rowRuns[^1] = (rowRuns[^1].Start, rowRuns[^1].Length + 1);
                else rowRuns.Add((i, 1));
            }
            if (count != n)
                throw new ArgumentException($"Prompt {row} has {count} image tokens but the image gives {n} features; expand <image> to {n} tokens (PromptBuilder does).");
            if (rowRuns.Count > 1 && rowRuns.Any(r => r.Length != Config.ImageTokenCount))
                throw new ArgumentException(n == Config.ImageTokenCount
                    ? $"Prompt {row}: image tokens must form one contiguous run."
                    : $"Prompt {row}: image tokens form runs of {string.Join(", ", rowRuns.Select(r => r.Length))}; each image needs one contiguous run of {Config.ImageTokenCount}.");
            if (runs is not null && !runs.SequenceEqual(rowRuns))
                throw new ArgumentException("All prompts of a batch must place the image at the same position.");
            runs = rowRuns;
        }
        var grid = Config.VisionConfig.GridSize;
        var isGrid = Config.VisionFeatureSelectStrategy == "default";
        var (start, length) = runs![0];
        var more = runs.Count > 1 ? runs.Skip(1).Select(r => r.Start).ToArray() : null;
        return new SequenceLayout(start, length, isGrid ? grid : 0, isGrid ? grid : 0, 0, (int)t, isGrid, more);
    }
}
