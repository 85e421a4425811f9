using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Workbench.IO;

namespace Blink.Workbench.Evaluation;

/// <summary>One cell of the decomposition in one category: a method's accuracy and its Δ against vanilla.</summary>
/// <param name="ShareOfHeadroom">Δ as a share of the zoom oracle's Δ in the same category (NaN when the oracle is not ahead).</param>
public sealed record DecompositionCell(string Source, string Representation, string Method, string Category, int N,
    double Accuracy, double AccuracyLower, double AccuracyUpper, double Delta, double DeltaLower, double DeltaUpper,
    double McNemarP, double HolmP, double ShareOfHeadroom);

/// <summary>
/// Where the zoom headroom goes: region source (the question's own attention, ViCrop's relative attention, the
/// evidence box) × representation (one insertion after layer L of interpolated, TokenSR or crop-teacher states; the
/// crop re-encoded at the input, alone or after the whole image). Each cell is a method of
/// <see cref="Methods.MethodCatalog.Headroom"/> (the evidence crop alone is the zoom oracle) scored against vanilla on
/// the same questions; the exact McNemar p-values of the cells are Holm-adjusted within each category. The plain-words
/// reading (<see cref="Statements"/>) is computed from the measured numbers.
/// </summary>
public sealed class HeadroomDecomposition
{
    public const string Baseline = "vanilla";
    public const string FileStem = "decomposition";

    public static IReadOnlyList<string> Sources { get; } = ["salient", "ViCrop", "evidence"];

    public static IReadOnlyList<string> Representations { get; } =
        ["interpolation", "TokenSR", "teacher states", "crop at input", "image + crop at input"];

    /// <summary>The method of each cell, [source, representation].</summary>
    public static string MethodOf(int source, int representation) => Names[source][representation];

    private static readonly string[][] Names =
    [
        ["interp-salient", "tokensr-salient", "teacher-salient", "salient-crop", "image+salient"],
        ["interp-vicrop", "tokensr-vicrop", "teacher-vicrop", "vicrop-crop", "vicrop"],
        ["interp-evidence", "tokensr-evidence", "teacher-evidence", "zoom-oracle", "image+evidence"],
    ];

    /// <summary>Every method a full table needs, vanilla first.</summary>
    public static IReadOnlyList<string> MethodNames { get; } = [Baseline, .. Names.SelectMany(n => n)];

    private HeadroomDecomposition(IReadOnlyList<DecompositionCell> cells, IReadOnlyList<string> categories, IReadOnlyDictionary<string, (double Accuracy, int N)> vanilla)
    {
        Cells = cells;
        Categories = categories;
        Vanilla = vanilla;
    }

    /// <summary>Every cell present, "all" first then each category.</summary>
    public IReadOnlyList<DecompositionCell> Cells { get; }

    public IReadOnlyList<string> Categories { get; }

    /// <summary>Vanilla's accuracy and n per category.</summary>
    public IReadOnlyDictionary<string, (double Accuracy, int N)> Vanilla { get; }

    public DecompositionCell? Cell(int source, int representation, string category = ResultsTable.AllCategory) =>
        Cells.FirstOrDefault(c => c.Method == Names[source][representation] && c.Category == category);

    /// <summary>The decomposition of a results table whose baseline is vanilla; cells whose method did not run are left out.</summary>
    public static HeadroomDecomposition From(ResultsTable table)
    {
        if (table.BaselineMethod != Baseline)
            throw new ArgumentException($"The decomposition compares with {Baseline}, but the table's baseline is {table.BaselineMethod ?? "(none)"}.");
        var rows = table.BuildRows();
        var categories = rows.Select(r => r.Category).Distinct().OrderBy(c => c == ResultsTable.AllCategory ? 0 : 1).ThenBy(c => c, StringComparer.Ordinal).ToArray();
        var vanilla = rows.Where(r => r.Method == Baseline).ToDictionary(r => r.Category, r => (r.Accuracy, r.N));
        var cells = new List<DecompositionCell>();
        foreach (var category in categories)
        {
            var oracle = rows.FirstOrDefault(r => r.Method == Names[2][3] && r.Category == category)?.VsBaseline?.Bootstrap.Difference;
            var found = new List<(int S, int R, ResultsRow Row)>();
            for (var s = 0; s < Names.Length; s++)
                for (var r = 0; r < Names[s].Length; r++)
                    if (rows.FirstOrDefault(x => x.Method == Names[s][r] && x.Category == category) is { VsBaseline: not null } row)
                        found.Add((s, r, row));
            var holm = MultipleComparisons.Holm(found.Select(f => f.Row.VsBaseline!.McNemar.ExactPValue).ToArray());
            for (var i = 0; i < found.Count; i++)
            {
                var (s, r, row) = found[i];
                var c = row.VsBaseline!;
                var share = oracle is > 0 ? c.Bootstrap.Difference / oracle.Value : double.NaN;
                cells.Add(new DecompositionCell(Sources[s], Representations[r], row.Method, category, row.N, row.Accuracy,
                    row.AccuracyInterval.Lower, row.AccuracyInterval.Upper, c.Bootstrap.Difference, c.Bootstrap.Lower, c.Bootstrap.Upper,
                    c.McNemar.ExactPValue, holm[i], share));
            }
        }
        return new HeadroomDecomposition(cells, categories, vanilla);
    }

    /// <summary>Where the headroom goes, in plain words, from the pooled ("all") cells present.</summary>
    public IReadOnlyList<string> Statements()
    {
        var lines = new List<string>();
        var oracle = Cell(2, 3);
        if (oracle is null)
        {
            lines.Add("The zoom oracle (the evidence crop at the input) was not run, so the headroom is unknown and no share of it can be stated.");
            return lines;
        }
        var v = Vanilla.TryGetValue(ResultsTable.AllCategory, out var va) ? va.Accuracy : double.NaN;
        lines.Add($"Headroom: the evidence crop re-encoded at the input answers {Pct(oracle.Accuracy)}% against vanilla's {Pct(v)}%, {Pp(oracle)} points on {oracle.N} questions.");
        if (oracle.DeltaLower <= 0)
        {
            lines.Add("The oracle is not significantly ahead of vanilla here, so no cell can be read as a share of a headroom.");
            return lines;
        }
        if (Cell(2, 4) is { } both)
            lines.Add($"Context: with the whole image kept before the crop (two images) the evidence gains {Pp(both)} points, {Share(both)} of the headroom, so " +
                      (both.DeltaLower > 0 ? "most of the oracle's gain comes from the crop's pixels, not from dropping the context; " : "the crop's gain does not survive showing the image too; ") +
                      (both.Delta < oracle.Delta ? $"showing the image as well costs {Num((oracle.Delta - both.Delta) * 100)} points against the crop alone (point estimates)."
                                                 : $"the image adds {Num((both.Delta - oracle.Delta) * 100)} points to the crop alone (point estimates)."));
        var inserted = new[] { 0, 1, 2 }.Select(r => Cell(2, r)).Where(c => c is not null).Select(c => c!).ToArray();
        if (inserted.Length > 0)
        {
            var best = inserted.MaxBy(c => c.Delta)!;
            lines.Add($"Where it goes in: inserting states of the evidence region after layer L recovers at most {Share(best)} of the headroom ({string.Join(", ", inserted.Select(c => $"{c.Representation} {Pp(c)}"))}), " +
                      $"while the same evidence re-encoded at the input recovers all of it: {Share(1 - best.ShareOfHeadroom)} of the headroom is lost by inserting mid-layer states instead of giving the pixels at the input.");
        }
        var teachers = new[] { (2, "evidence"), (0, "salient"), (1, "relative-attention") }.Select(t => (Cell: Cell(t.Item1, 2), Name: t.Item2)).Where(t => t.Cell is not null).ToArray();
        if (teachers.Length > 0)
        {
            var parts = teachers.Select(t => $"{t.Name} region {Pp(t.Cell!)} ({Verdict(t.Cell!)})");
            var anyHelps = teachers.Any(t => t.Cell!.DeltaLower > 0 && t.Cell.HolmP < 0.05);
            lines.Add($"TokenSR's ceiling: inserting the crop teacher's own layer-L states — the exact target TokenSR is trained to match — gives {string.Join("; ", parts)}. " +
                      (anyHelps ? "The ceiling helps, so a TokenSR that matched its teacher better could gain up to that much."
                                : "The ceiling does not help significantly, so no TokenSR trained to match these targets can."));
            var tokensr = Cell(2, 1);
            var teacher = Cell(2, 2);
            if (tokensr is not null && teacher is not null)
                lines.Add($"TokenSR against its ceiling (evidence region): {Pp(tokensr)} against {Pp(teacher)} points.");
        }
        var crops = new[] { 0, 1 }.Select(s => Cell(s, 3)).Where(c => c is not null).Select(c => c!).ToArray();
        if (crops.Length > 0)
        {
            var best = crops.MaxBy(c => c.Delta)!;
            lines.Add($"Which region: with the crop alone at the input, {string.Join(" and ", crops.Select(c => $"the {c.Source} window gives {Pp(c)} points ({Share(c)} of the headroom, {Verdict(c)})"))}: " +
                      $"without the answer's box the best located crop recovers {Share(best)} of the headroom.");
        }
        if (Cell(1, 4) is { } vicrop)
            lines.Add($"ViCrop (image + relative-attention crop, two images) gives {Pp(vicrop)} points ({Share(vicrop)} of the headroom, {Verdict(vicrop)}).");
        return lines;
    }

    public string ToMarkdown(string? command = null)
    {
        var sb = new StringBuilder();
        sb.Append("### Where the zoom headroom goes\n\n");
        if (command is not null) sb.Append("Reproduce: `").Append(command).Append("`\n\n");
        foreach (var line in Statements()) sb.Append("- ").Append(line).Append('\n');
        sb.Append('\n');
        foreach (var category in Categories)
        {
            var n = Vanilla.TryGetValue(category, out var va) ? va.N : 0;
            sb.Append("#### ").Append(category == ResultsTable.AllCategory ? "All categories" : category)
              .Append(" (").Append(n.ToString(CultureInfo.InvariantCulture)).Append(" questions; vanilla ").Append(Pct(va.Accuracy)).Append("%)\n\n");
            sb.Append("| region source | ").Append(string.Join(" | ", Representations)).Append(" |\n");
            sb.Append("|---|").Append(string.Concat(Representations.Select(_ => "---:|"))).Append('\n');
            for (var s = 0; s < Sources.Count; s++)
            {
                sb.Append("| ").Append(Sources[s]);
                for (var r = 0; r < Representations.Count; r++)
                {
                    var c = Cell(s, r, category);
                    sb.Append(" | ").Append(c is null ? "—" : $"{Pct(c.Accuracy)}; Δ {Pp(c)}; p {P(c.McNemarP)} (Holm {P(c.HolmP)})");
                }
                sb.Append(" |\n");
            }
            sb.Append('\n');
        }
        sb.Append("Each cell: accuracy %; Δ vs vanilla in points with its paired bootstrap 95% CI on the same questions; exact McNemar p, and in brackets the Holm-adjusted p " +
                  "(Holm's step-down over the cells of the same category). Methods per cell: ");
        sb.Append(string.Join("; ", Sources.Select((s, i) => $"{s}: {string.Join(", ", Names[i])}"))).Append(".\n");
        return sb.ToString();
    }

    public string ToJson()
    {
        var root = new JsonObject
        {
            ["baseline"] = Baseline,
            ["sources"] = new JsonArray(Sources.Select(s => (JsonNode)s).ToArray()),
            ["representations"] = new JsonArray(Representations.Select(s => (JsonNode)s).ToArray()),
            ["adjustment"] = "Holm over the cells of each category",
            ["statements"] = new JsonArray(Statements().Select(s => (JsonNode)s).ToArray()),
            ["vanilla"] = new JsonObject(Vanilla.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject { ["accuracy"] = J(kv.Value.Accuracy), ["n"] = kv.Value.N }))),
            ["cells"] = new JsonArray(Cells.Select(c => (JsonNode)new JsonObject
            {
                ["source"] = c.Source, ["representation"] = c.Representation, ["method"] = c.Method, ["category"] = c.Category, ["n"] = c.N,
                ["accuracy"] = J(c.Accuracy), ["accuracy_ci"] = new JsonArray(J(c.AccuracyLower), J(c.AccuracyUpper)),
                ["delta"] = J(c.Delta), ["delta_ci"] = new JsonArray(J(c.DeltaLower), J(c.DeltaUpper)),
                ["mcnemar_p"] = J(c.McNemarP), ["holm_p"] = J(c.HolmP), ["share_of_headroom"] = J(c.ShareOfHeadroom),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes decomposition.{md,json} into <paramref name="folder"/> (the figure is Plots.DecompositionChart's, from the JSON); returns the markdown's path.</summary>
    public string WriteAll(string folder, string? command = null)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, FileStem + ".md"), ToMarkdown(command));
        AtomicFile.WriteAllText(Path.Combine(folder, FileStem + ".json"), ToJson());
        return Path.Combine(folder, FileStem + ".md");
    }

    private static string Verdict(DecompositionCell c) =>
        c.DeltaLower > 0 ? (c.HolmP < 0.05 ? "significant after Holm" : "CI above zero, not significant after Holm")
        : c.DeltaUpper < 0 ? (c.HolmP < 0.05 ? "a significant loss after Holm" : "CI below zero, not significant after Holm")
        : "not distinguishable from vanilla";

    private static string Pp(DecompositionCell c) => $"{Signed(c.Delta * 100)} [{Signed(c.DeltaLower * 100)}, {Signed(c.DeltaUpper * 100)}]";
    private static string Share(DecompositionCell c) => Share(c.ShareOfHeadroom);
    private static string Share(double share) => double.IsFinite(share) ? (share < -0.005 ? "−" : "") + $"{Math.Abs(Math.Round(share * 100)).ToString("0", CultureInfo.InvariantCulture)}%" : "—";
    private static string Pct(double v) => double.IsFinite(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) : "—";
    private static string Num(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
    private static string Signed(double v) => double.IsFinite(v) ? (v >= 0 ? "+" : "−") + Math.Abs(v).ToString("0.0", CultureInfo.InvariantCulture) : "—";
    private static string P(double p) => !double.IsFinite(p) ? "—" : p < 1e-300 ? "< 1e-300" : p < 1e-4 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : p.ToString("0.000", CultureInfo.InvariantCulture);
    private static JsonNode? J(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
