using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// Makes TokenSR training pairs with the frozen model (paper-notes §4: "tokens from the corresponding cropped image
/// serve as the reference"). Per sample: one vanilla forward on the full image records, at every Blink layer, the SGS
/// scan and the image tokens' residual-stream hidden states; per (sample, layer) a region is chosen (SGS argmax with
/// probability 1 − r, else uniform); its tokens are mapped to the original-image pixel box, that box is cropped from
/// the <em>original</em> image and run through the same preprocessing and prompt; the crop's layer-L image tokens
/// are average-pooled from the grid to s·p × s·p: the teacher. The student input is the region's p×p hidden states.
/// </summary>
public sealed class TeacherStudentExtractor
{
    private readonly ModelBundle _bundle;
    private readonly TokenSRExtractionOptions _options;

    public TeacherStudentExtractor(ModelBundle bundle, TokenSRExtractionOptions options)
    {
        options.Validate(bundle.Model.Config);
        _bundle = bundle;
        _options = options;
    }

    public TokenSRExtractionOptions Options => _options;

    /// <summary>Model forwards run so far (full image + crops), for cost reports and cache-reuse tests.</summary>
    public int Forwards { get; private set; }

    /// <param name="sampleIndex">Global index of the sample in its data source (seeds the region draw).</param>
    /// <returns>One pair per Blink layer, in layer order.</returns>
    public IReadOnlyList<TokenSRPair> Extract(TokenSRSample sample, int sampleIndex)
    {
        using var noGrad = torch.no_grad();
        var blink = _options.Blink;
        var layers = _options.Layers;
        var geometry = _bundle.Preprocessor.GeometryFor(sample.Image.Width, sample.Image.Height);
        using var full = Run(sample.Image, sample.Question, layers, scan: true);
        var grid = new RegionGrid(full.Layout!.GridHeight, full.Layout.GridWidth, blink.PatchSize);
        var candidates = Enumerable.Range(0, grid.Count).Where(i => IsFullyVisible(geometry, grid[i])).ToArray();
        if (candidates.Length == 0) candidates = Enumerable.Range(0, grid.Count).Where(i => ShowsPixels(geometry, grid[i])).ToArray();

        var chosen = new Dictionary<int, (Region Region, bool Random)>();
        foreach (var layer in layers)
        {
            var sourceLayer = _options.ShareRegionAcrossLayers ? layers[0] : layer;
            chosen[layer] = _options.ShareRegionAcrossLayers && chosen.Count > 0
                ? chosen[layers[0]]
                : ChooseRegion(full.Maps[sourceLayer], candidates, _options.Seed, sampleIndex, _options.ShareRegionAcrossLayers ? -1 : layer, _options.RandomRegionRatio);
        }

        // Layers that chose the same region share one crop forward (it records every Blink layer).
        var crops = new Dictionary<Region, BlinkLayerRecorder>();
        var pairs = new List<TokenSRPair>();
        try
        {
            foreach (var layer in layers)
            {
                var (region, random) = chosen[layer];
                var box = CropBox(geometry, region);
                if (!crops.TryGetValue(region, out var crop))
                {
                    using var bitmap = ImageCrop.Crop(sample.Image, box);
                    crops[region] = crop = Run(bitmap, sample.Question, layers, scan: false);
                }
                using var scope = NewDisposeScope();
                var student = StudentPatch(full.Hidden[layer], full.Layout.GridWidth, region);
                var teacher = PoolTeacher(crop.Hidden[layer], crop.Layout!.GridHeight, crop.Layout.GridWidth, blink.Scale * blink.PatchSize);
                var info = new TokenSRPairInfo(sampleIndex, sample.Id, layer, region.Row, region.Col, [box.X0, box.Y0, box.X1, box.Y1], random, full.Maps[layer].Rho);
                pairs.Add(new TokenSRPair(info, student.DetachFromDisposeScope(), teacher.DetachFromDisposeScope()));
            }
        }
        finally
        {
            foreach (var c in crops.Values) c.Dispose();
        }
        return pairs;
    }

    private BlinkLayerRecorder Run(SkiaSharp.SKBitmap image, string question, IReadOnlyList<int> layers, bool scan)
    {
        using var scope = NewDisposeScope();
        var recorder = new BlinkLayerRecorder(_options.Blink, layers, scan, keepHidden: true);
        var pixels = _bundle.Preprocessor.ToTensor(image, _bundle.Model.Device).unsqueeze(0);
        _bundle.Model.forward(new LlavaInput(_bundle.PromptIds(question), pixels, Interceptor: recorder));
        Forwards++;
        return recorder;
    }

    /// <summary>
    /// The region: with probability <paramref name="randomRatio"/> a uniform draw among the candidates, else the most
    /// salient candidate (the SGS argmax unless that region is padding). Seeded per (seed, sample, layer).
    /// </summary>
    public static (Region Region, bool Random) ChooseRegion(SaliencyMap map, IReadOnlyList<int> candidates, int seed, int sampleIndex, int layer, double randomRatio)
    {
        if (candidates.Count == 0) throw new ArgumentException("No region of the grid shows the image.");
        var rng = new Random(MixSeed(seed, sampleIndex, layer));
        if (rng.NextDouble() < randomRatio) return (map.Regions[candidates[rng.Next(candidates.Count)]], true);
        var best = candidates[0];
        foreach (var c in candidates)
            if (map.RegionMass[c] > map.RegionMass[best]) best = c;
        return (map.Regions[best], false);
    }

    private static int MixSeed(int seed, int sampleIndex, int layer)
    {
        unchecked
        {
            var h = (uint)seed * 0x9E3779B1u;
            h = (h ^ (uint)sampleIndex) * 0x85EBCA6Bu;
            h = (h ^ (uint)(layer + 1)) * 0xC2B2AE35u;
            return (int)(h ^ (h >> 16));
        }
    }

    public static TokenRegion ToTokenRegion(Region region) => CropTeacher.ToTokenRegion(region);

    /// <summary>The original-image pixel box the region's tokens see: the teacher's crop (before rounding to pixels).</summary>
    public static PixelBox CropBox(PreprocessGeometry geometry, Region region) => CropTeacher.CropBox(geometry, region);

    /// <summary>
    /// True when every token of the region shows the image (no padding): only such regions are trained on, because
    /// a crop of a partly padded region is re-padded and centred by the preprocessor and would not line up with the
    /// student's tokens.
    /// </summary>
    public static bool IsFullyVisible(PreprocessGeometry geometry, Region region)
    {
        var p = geometry.PatchSize;
        var box = new PixelBox(region.ColStart * p, region.RowStart * p, region.ColEnd * p, region.RowEnd * p);
        return geometry.VisibleInputBox.Inflate(1e-6).Contains(box);
    }

    private static bool ShowsPixels(PreprocessGeometry geometry, Region region)
    {
        var p = geometry.PatchSize;
        var box = new PixelBox(region.ColStart * p, region.RowStart * p, region.ColEnd * p, region.RowEnd * p);
        return geometry.VisibleInputBox.Intersects(box);
    }

    /// <summary>[N, D] grid hidden states → the region's [D, p, p] (row-major, as <see cref="BlinkInterceptor"/> reads it).</summary>
    public static Tensor StudentPatch(Tensor imageHidden, int gridWidth, Region region)
    {
        using var scope = NewDisposeScope();
        var idx = torch.tensor(region.TokenIndices(gridWidth).Select(i => (long)i).ToArray(), device: imageHidden.device);
        var p = region.Size;
        return imageHidden.index_select(0, idx).view(p, p, -1).permute(2, 0, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>[H·W, D] crop hidden states → adaptive average pool to [D, side, side] (<see cref="CropTeacher.PoolTeacher"/>).</summary>
    public static Tensor PoolTeacher(Tensor imageHidden, int gridHeight, int gridWidth, int side) => CropTeacher.PoolTeacher(imageHidden, gridHeight, gridWidth, side);
}
