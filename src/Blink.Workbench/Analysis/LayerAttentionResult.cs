using System.Text.Json;
using System.Text.Json.Serialization;
using Blink.Workbench.IO;

namespace Blink.Workbench.Analysis;

/// <summary>A metric's mean over items with its t-based confidence interval (bounds NaN with one item).</summary>
public sealed record MetricSummary(int N, double Mean, double Lower, double Upper)
{
    public static MetricSummary? Of(IReadOnlyList<double> values, double level)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return null;
        var m = Evaluation.Statistics.MeanWithConfidence(finite, level);
        return new MetricSummary(m.Count, m.Mean, m.Lower, m.Upper);
    }
}

/// <summary>
/// One layer's row of the pilot table. In-box metrics are null when no item has an evidence box.
/// <see cref="InBoxExcess"/> is in-box share minus the box's token share (what uniform attention would give), per item.
/// </summary>
public sealed record LayerSummary(
    int Layer, int Items,
    MetricSummary VisualShare,
    MetricSummary? InBoxShare,
    MetricSummary? UniformInBoxShare,
    MetricSummary? InBoxExcess,
    MetricSummary Entropy,
    MetricSummary Rho,
    MetricSummary? TopRegionIoU,
    MetricSummary? TopKJaccard);

/// <summary>One item at one layer.</summary>
/// <param name="SalientRegion">Row-major index of the most attended p×p region.</param>
/// <param name="TopKJaccard">Overlap of the top-k tokens with the previous layer (null at layer 0).</param>
public sealed record ItemLayerMetrics(
    string Id, string Category, int Layer, double VisualShare, double? InBoxShare, double? UniformInBoxShare,
    double Entropy, double Rho, int SalientRegion, double? TopRegionIoU, double? TopKJaccard);

/// <summary>The recommended Blink layer band and how it was found.</summary>
/// <param name="Criterion">The per-layer score used ("in-box excess" or "ρ excess").</param>
/// <param name="FromData">False when no layer clearly beat uniform attention and the band is the paper's default scaled to the model.</param>
public sealed record LayerBand(int First, int Last, int Peak, string Criterion, bool FromData, string Explanation)
{
    public const string Rule =
        "Score each layer by the mean in-box excess (share of visual attention inside the evidence box minus the box's " +
        "token share, i.e. what uniform attention would give; without boxes: ρ minus the uniform p²/N). Only layers " +
        "0..L−2 are eligible (an expansion needs a layer after it). The peak is the eligible layer with the highest " +
        "mean score; the band grows from it over neighbouring layers whose mean is at least half the peak's. If the " +
        "peak's confidence interval does not lie above 0 (attention no better than uniform), the band falls back to " +
        "the paper's 12–18-of-32 band scaled to the model.";
}

/// <summary>The last prompt token's attention over the grid at one layer of one sample (head mean; per head when kept).</summary>
public sealed record LayerMap(int Layer, float[] Map, double Rho, int SalientRegion, float[][]? Heads = null, float[][][]? Queries = null);

/// <summary>
/// Raw maps of one sample for plotting. <see cref="InputViewPng"/> is the picture as the model sees it (padded or
/// cropped, so the grid lies exactly on it); <see cref="EvidenceView"/> is the evidence box on that view, as
/// [left, top, right, bottom] fractions.
/// </summary>
public sealed record SampleMaps(
    string Id, string Category, string Prompt, int GridHeight, int GridWidth, Imaging.TokenRegion? EvidenceTokens,
    double[]? EvidenceView, byte[] InputViewPng, IReadOnlyList<LayerMap> Layers);

/// <summary>Pilot study 1: per-layer tables (overall and per category), the recommended band, per-item metrics and sample maps.</summary>
public sealed record LayerAttentionResult(
    string ModelId, int DecoderLayers, int GridHeight, int GridWidth, int PatchSize, int TopK,
    double TauExpand, double TauDrop, int Items, int ItemsWithEvidence, double Level,
    IReadOnlyList<LayerSummary> PerLayer,
    IReadOnlyDictionary<string, IReadOnlyList<LayerSummary>> PerCategory,
    LayerBand Band,
    IReadOnlyList<ItemLayerMetrics> ItemMetrics,
    IReadOnlyList<SampleMaps> Samples)
{
    public const string FileName = "pilot.json";

    /// <summary>NaN bounds (one item) are written as "NaN" rather than failing.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    public static LayerAttentionResult Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LayerAttentionResult>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty pilot result.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a pilot result ({e.Message}).", e);
        }
    }
}
