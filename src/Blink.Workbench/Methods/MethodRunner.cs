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

    /// <param name="reuseProbes">Keep each question's attention probe for the next method that needs it (an evaluation of several
    /// methods over the same questions); its measured time is still charged to every method. Off for timing benchmarks.</param>
    public MethodRunner(ModelBundle bundle, TokenSRBank? tokenSR = null, GenerationOptions? generation = null, bool reuseProbes = false)
    {
        _reuseProbes = reuseProbes;
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
        foreach (var m in list.Where(m => m.LocatesRegion))
        {
            try
            {
                m.ViCrop!.Validate(_bundle.Tokenizer);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Method '{m.Name}': {e.Message}", e);
            }
        }
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
        var total = Stopwatch.StartNew();
        _reusedProbeTime = TimeSpan.Zero;
        var image = input.Image;
        var owned = new List<SKBitmap>();
        try
        {
            var original = _bundle.Preprocessor.GeometryFor(image.Width, image.Height);
            long auxiliary = 0;
            var forwards = 1;
            IReadOnlyList<SKBitmap> views = [image];
            Region? located = null;
            if (method.Kind == MethodKind.ZoomOracle)
            {
                var crop = EvidenceCrop(input);
                owned.Add(crop);
                views = [crop];
            }
            else if (method.Kind == MethodKind.InputCrop)
            {
                var options = method.Crop!;
                SKBitmap crop;
                if (options.Source == RegionSource.Evidence) crop = EvidenceCrop(input);
                else
                {
                    var window = Locate(method, input, options.Source);
                    auxiliary += window.Tokens;
                    forwards += window.Forwards;
                    crop = ImageCrop.Crop(image, original.ToOriginal(window.Window));
                }
                owned.Add(crop);
                views = options.View == CropView.CropOnly ? [crop] : [image, crop];
            }
            else if (method.Blink?.Region == RegionSelection.RelativeAttention)
            {
                var window = Locate(method, input, RegionSource.RelativeAttention);
                auxiliary += window.Tokens;
                forwards += window.Forwards;
                located = RelativeAttentionLocator.StrongestRegion(window, new RegionGrid(original.GridSize, original.GridSize, method.Blink.PatchSize));
            }
            var pixels = views.Count == 1
                ? _bundle.Preprocessor.ToTensor(views[0], _bundle.Model.Device).unsqueeze(0)
                : torch.cat(views.Select(v => _bundle.Preprocessor.ToTensor(v, _bundle.Model.Device).unsqueeze(0)).ToArray(), 0);
            var ids = _bundle.PromptIds(input.Question, views.Count);
            var limit = _bundle.Model.Config.TextConfig.MaxPositionEmbeddings;
            if (ids.shape[1] > limit)
                throw new ArgumentException($"Method '{method.Name}': the prompt with {views.Count} image(s) is {ids.shape[1]} tokens, more than the model's text_config.max_position_embeddings = {limit}.");
            var (interceptor, teacher) = CreateInterceptor(method, input, original, located, image);
            MethodAnswer answer;
            var clock = Stopwatch.StartNew();
            if (input.Choices is { Count: > 0 } choices)
            {
                var candidates = choices.Select(c => _bundle.Tokenizer.Encode(c, addBos: false).ToArray()).ToArray();
                var scores = CandidateScorer.Score(_bundle.Model, ids, pixels, candidates, interceptor);
                answer = new MethodAnswer(choices[scores.Best], scores.Best, scores.LogLikelihoods, (interceptor as BlinkInterceptor)?.Trace, scores.PrefillTokensPerLayer, clock.Elapsed);
            }
            else
            {
                var result = GreedyDecoder.Generate(_bundle.Model, ids, pixels, _generation, interceptor);
                answer = new MethodAnswer(_bundle.Tokenizer.Decode(result.Tokens).Trim(), null, null, (interceptor as BlinkInterceptor)?.Trace, result.PrefillTokensPerLayer, result.PrefillTime);
            }
            if (teacher is not null)
            {
                auxiliary += teacher.Tokens;
                forwards += teacher.Forwards;
            }
            // Every forward over a prompt runs the vision tower once per image it shows.
            var passes = views.Count + (forwards - 1);
            return answer with { AuxiliaryTokens = auxiliary, VisionPasses = passes, Forwards = forwards, TotalTime = total.Elapsed + _reusedProbeTime };
        }
        finally
        {
            foreach (var b in owned) b.Dispose();
        }
    }

    private readonly Dictionary<string, CropWindow> _probes = [];
    private readonly bool _reuseProbes;
    private TimeSpan _reusedProbeTime;

    /// <summary>
    /// Locates the crop window. The attention probe of one (image, question, source, options) is kept and reused by
    /// the next method that asks for it (an evaluation runs several methods over the same questions); its measured
    /// time is added to the reusing method's time per question, and its forwards and tokens are counted again, so the
    /// costs reported are those of running the method alone.
    /// </summary>
    private CropWindow Locate(MethodSpec method, MethodInput input, RegionSource source)
    {
        var options = method.ViCrop ?? throw new ArgumentException($"Method '{method.Name}' locates a region but has no ViCrop options.");
        if (!_reuseProbes) return new RelativeAttentionLocator(_bundle, options).Locate(input.Image, input.Question, source);
        var key = ProbeKey(input, source, options);
        if (_probes.TryGetValue(key, out var kept))
        {
            _reusedProbeTime = kept.Elapsed;
            return kept;
        }
        var window = new RelativeAttentionLocator(_bundle, options).Locate(input.Image, input.Question, source);
        if (_probes.Count >= 50_000) _probes.Clear();
        _probes[key] = window;
        return window;
    }

    private static string ProbeKey(MethodInput input, RegionSource source, ViCropOptions options)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(input.Image.GetPixelSpan());
        var pixels = Convert.ToHexString(sha.GetHashAndReset());
        return string.Join("\u001f", pixels, input.Image.Width, input.Image.Height, input.Question, source, options.Layer, options.GenericPrompt, string.Join(",", options.WindowFractions));
    }

    private (IDecoderInterceptor? Interceptor, TeacherExpander? Teacher) CreateInterceptor(MethodSpec method, MethodInput input, PreprocessGeometry geometry, Region? located, SKBitmap image)
    {
        switch (method.Kind)
        {
            case MethodKind.Blink:
            {
                var options = method.Blink!;
                TeacherExpander? teacher = null;
                ITokenExpander expander = options.Expander switch
                {
                    ExpanderKind.TokenSR => new TokenSRExpander(_tokenSR ?? throw new ArgumentException($"Method '{method.Name}' needs a trained TokenSR.")),
                    ExpanderKind.Teacher => teacher = new TeacherExpander(_bundle, image, input.Question, options),
                    _ => new InterpolationExpander(options.Scale),
                };
                Region? given = located;
                if (options.Region == RegionSelection.Given)
                {
                    var evidence = input.Evidence ?? throw new ArgumentException($"Method '{method.Name}' needs the sample's evidence box.");
                    var t = geometry.ToTokenRegion(evidence);
                    given = new RegionGrid(geometry.GridSize, geometry.GridSize, options.PatchSize).RegionCovering(t.Row0, t.Col0, t.Row1, t.Col1);
                }
                return (new BlinkInterceptor(options, expander, given, input.SampleIndex), teacher);
            }
            case MethodKind.FastV:
                return (new FastVInterceptor(method.FastVK, method.FastVRatio), null);
            default:
                return (null, null);
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
