using System.Text.Json.Nodes;

namespace Blink.Workbench.Plots;

/// <summary>
/// The headroom decomposition's figure, drawn from its JSON (<c>decomposition.json</c>, Evaluation.HeadroomDecomposition):
/// Δ vs vanilla per representation (x), one bar per region source, with the 95% CI.
/// </summary>
public static class DecompositionChart
{
    public const string PngFile = "decomposition.png";

    public static Figure Create(JsonObject decomposition, string category = "all")
    {
        var sources = decomposition["sources"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray()
            ?? throw new InvalidDataException("decomposition.json has no 'sources'.");
        var representations = decomposition["representations"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray()
            ?? throw new InvalidDataException("decomposition.json has no 'representations'.");
        var cells = decomposition["cells"]?.AsArray().Select(n => n!.AsObject()).Where(c => c["category"]?.GetValue<string>() == category).ToArray() ?? [];
        static double V(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>() * 100;
        JsonObject? Cell(string s, string r) => cells.FirstOrDefault(c => c["source"]?.GetValue<string>() == s && c["representation"]?.GetValue<string>() == r);
        var series = sources.Select(s => new CategoryScores(s,
            representations.Select(r => V(Cell(s, r)?["delta"])).ToArray(),
            representations.Select(r => V(Cell(s, r)?["delta_ci"]?[0])).ToArray(),
            representations.Select(r => V(Cell(s, r)?["delta_ci"]?[1])).ToArray())).ToArray();
        // Short axis labels: the chart's category axis has room for about a word each.
        var labels = representations.Select(r => r switch
        {
            "interpolation" => "interp.",
            "teacher states" => "teacher",
            "crop at input" => "crop",
            "image + crop at input" => "image+crop",
            _ => r,
        }).ToArray();
        return CategoryBarChart.Create(labels, series, "Δ accuracy vs vanilla by region source and representation (95% CI)", "Δ vs vanilla (points)");
    }

    /// <summary>Writes <c>decomposition.png</c> beside a <c>decomposition.json</c>; returns its path.</summary>
    public static string WritePng(string jsonPath)
    {
        var node = JsonNode.Parse(File.ReadAllText(jsonPath))?.AsObject() ?? throw new InvalidDataException($"{jsonPath}: expected a JSON object.");
        var png = Path.Combine(Path.GetDirectoryName(jsonPath)!, PngFile);
        Create(node).SavePng(png);
        return png;
    }
}
