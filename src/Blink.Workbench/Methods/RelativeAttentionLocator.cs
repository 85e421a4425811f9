using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>A chosen crop window on the token grid, the map it was chosen on, and what finding it cost.</summary>
/// <param name="Window">The window in token rows/columns.</param>
/// <param name="Map">The per-token map (row-major) the window was chosen on: attention, or ViCrop's ratio.</param>
/// <param name="Forwards">Decoder forwards (each with one vision pass) run to read the attention.</param>
/// <param name="Tokens">Tokens those forwards processed, summed over layers (they stop after the probe layer).</param>
/// <param name="Elapsed">Wall time of locating (the forwards and the window search).</param>
public sealed record CropWindow(TokenRegion Window, float[] Map, int GridSize, int Forwards, long Tokens, TimeSpan Elapsed);

/// <summary>
/// Reads where the model looks and picks a crop window: the question's attention map at the probe layer (salient), or
/// ViCrop's relative attention, that map divided by the generic prompt's (<see cref="ViCropOptions"/>).
/// </summary>
public sealed class RelativeAttentionLocator(ModelBundle bundle, ViCropOptions options)
{
    public ViCropOptions Options => options;

    /// <summary>The question's map (<see cref="RegionSource.Salient"/>) or the relative map, then the window on it.</summary>
    public CropWindow Locate(SKBitmap image, string question, RegionSource source)
    {
        if (source == RegionSource.Evidence) throw new ArgumentException("The evidence box is given, not located; use the sample's evidence.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var forwards = 0;
        long tokens = 0;
        var map = AttentionMap(image, question, ref forwards, ref tokens);
        if (source == RegionSource.RelativeAttention)
        {
            var generic = AttentionMap(image, options.GenericPrompt, ref forwards, ref tokens);
            for (var i = 0; i < map.Length; i++) map[i] = generic[i] > 0 ? map[i] / generic[i] : 0f;
        }
        var grid = bundle.Model.Config.VisionConfig.GridSize;
        var window = SelectWindow(map, grid, options.WindowSides(grid));
        return new CropWindow(window, map, grid, forwards, tokens, clock.Elapsed);
    }

    /// <summary>The p×p region of <paramref name="regions"/> with the largest mass of <paramref name="window"/>'s map (Blink's region for an insertion).</summary>
    public static Region StrongestRegion(CropWindow window, RegionGrid regions)
    {
        var mass = regions.RegionMass(window.Map);
        var best = 0;
        for (var i = 1; i < mass.Length; i++)
            if (mass[i] > mass[best]) best = i;
        return regions[best];
    }

    /// <summary>
    /// ViCrop's window selection on a square per-token map: for every side, the position of largest window mass; then
    /// the side whose best window exceeds the mean of its (up to four) one-token-shifted neighbours by the most per
    /// token. Ties go to the first side and the first position in row-major order.
    /// </summary>
    public static TokenRegion SelectWindow(ReadOnlySpan<float> map, int grid, IReadOnlyList<int> sides)
    {
        if (map.Length != grid * grid) throw new ArgumentException($"Expected a {grid}×{grid} map ({grid * grid} values), got {map.Length}.");
        if (sides.Count == 0) throw new ArgumentException("No window sides given.");
        var integral = new double[(grid + 1) * (grid + 1)];
        for (var r = 0; r < grid; r++)
            for (var c = 0; c < grid; c++)
                integral[(r + 1) * (grid + 1) + c + 1] = map[r * grid + c] + integral[r * (grid + 1) + c + 1] + integral[(r + 1) * (grid + 1) + c] - integral[r * (grid + 1) + c];
        double Sum(int r, int c, int s) =>
            integral[(r + s) * (grid + 1) + c + s] - integral[r * (grid + 1) + c + s] - integral[(r + s) * (grid + 1) + c] + integral[r * (grid + 1) + c];

        TokenRegion? best = null;
        var bestScore = double.NegativeInfinity;
        foreach (var s in sides)
        {
            if (s < 1 || s >= grid) throw new ArgumentException($"A {s}-token window does not fit inside the {grid}×{grid} grid with room to slide (sides 1..{grid - 1}).");
            var positions = grid - s + 1;
            int bestR = 0, bestC = 0;
            var top = double.NegativeInfinity;
            for (var r = 0; r < positions; r++)
                for (var c = 0; c < positions; c++)
                {
                    var m = Sum(r, c, s);
                    if (m > top) { top = m; bestR = r; bestC = c; }
                }
            var neighbours = new List<double>(4);
            if (bestC > 0) neighbours.Add(Sum(bestR, bestC - 1, s));
            if (bestC < positions - 1) neighbours.Add(Sum(bestR, bestC + 1, s));
            if (bestR > 0) neighbours.Add(Sum(bestR - 1, bestC, s));
            if (bestR < positions - 1) neighbours.Add(Sum(bestR + 1, bestC, s));
            var score = (top - neighbours.Average()) / (s * s);
            if (score > bestScore)
            {
                bestScore = score;
                best = new TokenRegion(bestR, bestC, bestR + s, bestC + s);
            }
        }
        return best!.Value;
    }

    /// <summary>The last prompt token's softmax attention over the grid at the probe layer, mean over heads.</summary>
    private float[] AttentionMap(SKBitmap image, string prompt, ref int forwards, ref long tokens)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var scan = new BlinkOptions
        {
            FirstLayer = options.Layer, LastLayer = options.Layer, PatchSize = 1,
            Heads = HeadAggregation.Mean, Scores = SaliencyScores.Softmax, Query = SaliencyQuery.LastToken,
        };
        using var recorder = new BlinkLayerRecorder(scan, [options.Layer], scan: true, keepHidden: false, stopAfterLastLayer: true);
        var pixels = bundle.Preprocessor.ToTensor(image, bundle.Model.Device).unsqueeze(0);
        var output = bundle.Model.forward(new LlavaInput(bundle.PromptIds(prompt), pixels, Interceptor: recorder));
        forwards++;
        tokens += output.TokensPerLayer.Sum();
        return (float[])recorder.Maps[options.Layer].TokenMap.Clone();
    }
}
