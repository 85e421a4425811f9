using System.Diagnostics;
using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// Runs any <see cref="MethodSpec"/> on one question: prepares the image (the oracle crops the evidence), builds a
/// fresh interceptor for the sample, and answers by closed-set scoring or greedy decoding.
/// </summary>
public sealed class MethodRunner
{
    private readonly ModelBundle _bundle;
    private readonly TokenSRBank? _tokenSR;
    private readonly GenerationOptions _generation;

    public MethodRunner(ModelBundle bundle, TokenSRBank? tokenSR = null, GenerationOptions? generation = null)
    {
        _bundle = bundle;
        _tokenSR = tokenSR;
        _generation = generation ?? new GenerationOptions(16, EosId: bundle.Tokenizer.EosId);
    }

    public ModelBundle Bundle => _bundle;

    /// <summary>The TokenSR bank the Blink methods use; null when only training-free methods run.</summary>
    public TokenSRBank? TokenSR => _tokenSR;

    /// <summary>Decoding settings for open answers.</summary>
    public GenerationOptions Generation => _generation;

    /// <summary>Checks the methods against the model (and that TokenSR exists where needed) before any compute.</summary>
    public void Validate(IEnumerable<MethodSpec> methods)
    {
        var list = methods.ToArray();
        MethodCatalog.Validate(list, _bundle.Model.Config);
        foreach (var m in list.Where(m => m.NeedsTokenSR))
        {
            if (_tokenSR is null) throw new ArgumentException($"Method '{m.Name}' needs a trained TokenSR (train one with blink train-tokensr, or use blink-interp).");
            var missing = Enumerable.Range(m.Blink!.FirstLayer, m.Blink.LastLayer - m.Blink.FirstLayer + 1).Where(l => !_tokenSR.Has(l)).ToArray();
            if (missing.Length > 0) throw new ArgumentException($"Method '{m.Name}': the TokenSR bank has no module for layer(s) {string.Join(", ", missing)}.");
        }
    }

    public MethodAnswer Answer(MethodSpec method, MethodInput input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var image = input.Image;
        SKBitmap? crop = null;
        try
        {
            if (method.Kind == MethodKind.ZoomOracle) image = crop = EvidenceCrop(input);
            var geometry = _bundle.Preprocessor.GeometryFor(image.Width, image.Height);
            var pixels = _bundle.Preprocessor.ToTensor(image, _bundle.Model.Device).unsqueeze(0);
            var ids = _bundle.PromptIds(input.Question);
            var interceptor = CreateInterceptor(method, input, geometry);
            var clock = Stopwatch.StartNew();
            if (input.Choices is { Count: > 0 } choices)
            {
                var candidates = choices.Select(c => _bundle.Tokenizer.Encode(c, addBos: false).ToArray()).ToArray();
                var scores = CandidateScorer.Score(_bundle.Model, ids, pixels, candidates, interceptor);
                return new MethodAnswer(choices[scores.Best], scores.Best, scores.LogLikelihoods, (interceptor as BlinkInterceptor)?.Trace, scores.PrefillTokensPerLayer, clock.Elapsed);
            }
            var result = GreedyDecoder.Generate(_bundle.Model, ids, pixels, _generation, interceptor);
            return new MethodAnswer(_bundle.Tokenizer.Decode(result.Tokens).Trim(), null, null, (interceptor as BlinkInterceptor)?.Trace, result.PrefillTokensPerLayer, result.PrefillTime);
        }
        finally
        {
            crop?.Dispose();
        }
    }

    private IDecoderInterceptor? CreateInterceptor(MethodSpec method, MethodInput input, PreprocessGeometry geometry)
    {
        switch (method.Kind)
        {
            case MethodKind.Blink:
            {
                var options = method.Blink!;
                ITokenExpander expander = options.Expander == ExpanderKind.TokenSR
                    ? new TokenSRExpander(_tokenSR ?? throw new ArgumentException($"Method '{method.Name}' needs a trained TokenSR."))
                    : new InterpolationExpander(options.Scale);
                Region? given = null;
                if (options.Region == RegionSelection.Given)
                {
                    var evidence = input.Evidence ?? throw new ArgumentException($"Method '{method.Name}' needs the sample's evidence box.");
                    var t = geometry.ToTokenRegion(evidence);
                    given = new RegionGrid(geometry.GridSize, geometry.GridSize, options.PatchSize).RegionCovering(t.Row0, t.Col0, t.Row1, t.Col1);
                }
                return new BlinkInterceptor(options, expander, given, input.SampleIndex);
            }
            case MethodKind.FastV:
                return new FastVInterceptor(method.FastVK, method.FastVRatio);
            default:
                return null;
        }
    }

    /// <summary>The zoom oracle's view (<see cref="ImageCrop.EvidenceView(SkiaSharp.SKBitmap, Imaging.PixelBox, double)"/>) of this input's evidence box.</summary>
    public SKBitmap EvidenceCrop(MethodInput input)
    {
        var evidence = input.Evidence ?? throw new ArgumentException("The zoom oracle needs the sample's evidence box.");
        var tokenPixels = (double)Math.Max(input.Image.Width, input.Image.Height) / _bundle.Model.Config.VisionConfig.GridSize;
        return ImageCrop.EvidenceView(input.Image, evidence, tokenPixels);
    }
}
