using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;

namespace Blink.Cli.Commands;

/// <summary>What <see cref="BlinkCliOptions.Resolve"/> settled on, before any model is loaded.</summary>
internal sealed record ResolvedBlink(string ModelDir, LlavaConfig Config, BlinkOptions Blink, string? TokenSRPath, TokenSRBankFile.Shape? Bank, int FastVK, double FastVR, string? Note,
    ViCropOptions? ViCrop = null, int? InsertLayer = null)
{
    /// <summary>The methods <c>--method all</c> runs: vanilla, Blink and its ablations, FastV, the zoom oracle.</summary>
    public IReadOnlyList<MethodSpec> Standard => MethodCatalog.Standard(Blink, FastVK, FastVR);

    /// <summary>The standard methods, then the headroom decomposition's (ViCrop, input crops, one-layer insertions).</summary>
    public IReadOnlyList<MethodSpec> Catalog => [.. MethodCatalog.Standard(Blink, FastVK, FastVR),
        .. MethodCatalog.Headroom(Blink, ViCrop ?? ViCropOptions.ForModel(Config.TextConfig.NumHiddenLayers), InsertLayer ?? Config.TextConfig.NumHiddenLayers / 2)];
}

/// <summary>
/// The model and Blink options, one name and one validation for every command that takes them (chat, eval, calibrate,
/// train-tokensr, pilot, study). Everything is checked against the model's <c>config.json</c> before the weights load.
/// </summary>
internal sealed class BlinkCliOptions
{
    public Option<string> Model { get; } = new("--model") { Description = $"Model folder (llava-hf layout or a workbench model); default: the embedded tiny testbed model ({PilotCommand.DefaultModel})", DefaultValueFactory = _ => PilotCommand.DefaultModel };
    public Option<string?> Run { get; } = new("--run") { Description = "A study's run folder (blink study --out): use its calibrated τ_exp/τ_drop (calibration.json) and its trained TokenSR (tokensr/tokensr.safetensors); explicit options override" };
    public Option<string?> TokenSR { get; } = new("--tokensr") { Description = "Trained TokenSR bank (.safetensors) for the blink method and its ablations; its layers become the Blink layers unless --blink-layers is given" };
    public Option<string?> Layers { get; } = new("--blink-layers") { Description = "Decoder layers where Blink decides, 0-based inclusive: FIRST-LAST or one layer (default: the paper's 12-18 of 32 scaled to the model, or the TokenSR bank's layers)" };
    public Option<int?> Patch { get; } = new("--patch") { Description = "Region side p in tokens; must divide the grid (default grid/6, at least 2); τ defaults follow p" };
    public Option<double?> TauExp { get; } = new("--tau-exp") { Description = $"Expansion threshold τ_exp on the strongest region's attention share ρ, in [0, 1] (default {BlinkOptions.DefaultExpandFactor}·p²/N)" };
    public Option<double?> TauDrop { get; } = new("--tau-drop") { Description = $"Drop threshold τ_drop, in [0, τ_exp] (default {BlinkOptions.DefaultDropFactor}·p²/N)" };
    public Option<int> FastVK { get; } = new("--fastv-k") { Description = "FastV: prune after layer K-1", DefaultValueFactory = _ => 2 };
    public Option<double> FastVR { get; } = new("--fastv-r") { Description = "FastV: fraction of image tokens pruned, in [0, 1)", DefaultValueFactory = _ => 0.5 };
    public Option<int?> InsertLayer { get; } = new("--insert-layer") { Description = "The decoder layer after which the one-layer insertions (interp-*, tokensr-*, teacher-*) insert their tokens (default: the middle layer, decoder layers / 2)" };
    public Option<int?> ViCropLayer { get; } = new("--vicrop-layer") { Description = "The decoder layer whose attention ViCrop and the salient crop read (default: the middle layer, decoder layers / 2)" };
    public Option<string?> ViCropWindows { get; } = new("--vicrop-windows") { Description = "ViCrop's window sides as fractions of the grid side, comma-separated, each below 1 (default 0.25,0.375,0.5)" };
    public Option<string?> GenericPrompt { get; } = new("--generic-prompt") { Description = $"The prompt whose attention divides the question's in ViCrop (default \"{ViCropOptions.DefaultGenericPrompt}\")" };

    /// <param name="methods">Also the thresholds, the TokenSR bank, --run and FastV's options (commands that run methods; calibrate and train-tokensr take only the model, the band and p).</param>
    public void AddTo(Command command, bool methods = true)
    {
        _methods = methods;
        command.Options.Add(Model);
        command.Options.Add(Layers);
        command.Options.Add(Patch);
        if (!methods) return;
        command.Options.Add(TauExp);
        command.Options.Add(TauDrop);
        command.Options.Add(Run);
        command.Options.Add(TokenSR);
        command.Options.Add(FastVK);
        command.Options.Add(FastVR);
        command.Options.Add(InsertLayer);
        command.Options.Add(ViCropLayer);
        command.Options.Add(ViCropWindows);
        command.Options.Add(GenericPrompt);
    }

    private bool _methods = true;

    /// <summary>The model folder, its config, and the Blink options: the model's defaults, then --run, then explicit options.</summary>
    public ResolvedBlink Resolve(ParseResult result)
    {
        var modelDir = PilotCommand.ResolveModel(result.GetValue(Model) ?? PilotCommand.DefaultModel);
        var config = LlavaConfig.FromFile(Path.Combine(modelDir, "config.json"));
        var grid = config.VisionConfig.GridSize;
        var blink = BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, grid);
        string? note = null;

        var tokensr = result.GetValue(TokenSR);
        double? runTauExp = null, runTauDrop = null;
        if (result.GetValue(Run) is { } run)
        {
            if (!Directory.Exists(run)) throw new DirectoryNotFoundException($"--run {run}: no such folder (a study writes one with blink study --out DIR).");
            var calibration = Path.Combine(run, "calibration.json");
            if (File.Exists(calibration)) (runTauExp, runTauDrop) = ReadCalibration(calibration);
            var bank = Path.Combine(run, "tokensr", "tokensr.safetensors");
            if (tokensr is null && File.Exists(bank)) tokensr = bank;
            if (runTauExp is null && !File.Exists(bank))
                throw new FileNotFoundException($"--run {run}: neither calibration.json nor tokensr/tokensr.safetensors is there; is it a blink study folder?");
            note = $"from {run}: " + string.Join(", ", new[]
            {
                runTauExp is null ? null : $"calibrated τ_exp = {runTauExp:G3}, τ_drop = {runTauDrop:G3}",
                File.Exists(bank) ? $"TokenSR {bank}" : null,
            }.Where(x => x is not null));
        }

        var shape = tokensr is null ? null : TokenSRBankFile.Inspect(tokensr);
        if (shape is not null && shape.HiddenSize != config.TextConfig.HiddenSize)
            throw new InvalidDataException($"{tokensr}: TokenSR was trained for hidden size {shape.HiddenSize}, but {modelDir} has {config.TextConfig.HiddenSize}.");
        // A trained bank knows which layers it was trained for; without --blink-layers those are the ones to use.
        var layers = ParseLayers(result.GetValue(Layers)) ?? (shape is null ? null : (shape.Layers.Min(), shape.Layers.Max()));
        if (layers is { } l) blink = blink with { FirstLayer = l.First, LastLayer = l.Last };
        if (result.GetValue(Patch) is { } p)
        {
            if (p < 1 || grid % p != 0) throw new ArgumentException($"--patch {p}: the region side must divide the model's {grid}×{grid} token grid.");
            blink = blink.WithPatchSize(p, grid);
        }
        if (runTauExp is { } re) blink = blink with { TauExpand = re, TauDrop = runTauDrop ?? blink.TauDrop };
        if (result.GetValue(TauExp) is { } te) blink = blink with { TauExpand = te };
        if (result.GetValue(TauDrop) is { } td) blink = blink with { TauDrop = td };
        try
        {
            blink.Validate(config);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Blink options (--blink-layers/--patch/--tau-exp/--tau-drop) for {modelDir}: {e.Message}", e);
        }

        if (!_methods) return new ResolvedBlink(modelDir, config, blink, tokensr, shape, 2, 0.5, note);
        var k = result.GetValue(FastVK);
        var r = result.GetValue(FastVR);
        if (k < 1 || k >= config.TextConfig.NumHiddenLayers) throw new ArgumentException($"--fastv-k {k}: must be between 1 and {config.TextConfig.NumHiddenLayers - 1} for {modelDir}.");
        if (r is < 0 or >= 1 || double.IsNaN(r)) throw new ArgumentException($"--fastv-r {r.ToString(CultureInfo.InvariantCulture)}: must be in [0, 1).");
        var layersCount = config.TextConfig.NumHiddenLayers;
        var vicrop = ViCropOptions.ForModel(layersCount);
        if (result.GetValue(ViCropLayer) is { } vl) vicrop = vicrop with { Layer = vl };
        if (result.GetValue(GenericPrompt) is { } gp) vicrop = vicrop with { GenericPrompt = gp };
        if (result.GetValue(ViCropWindows) is { } vw) vicrop = vicrop with { WindowFractions = ParseFractions(vw) };
        try
        {
            vicrop.Validate(config);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"ViCrop options (--vicrop-layer/--vicrop-windows) for {modelDir}: {e.Message}", e);
        }
        var insert = result.GetValue(InsertLayer) ?? layersCount / 2;
        if (insert < 0 || insert >= layersCount - 1)
            throw new ArgumentException($"--insert-layer {insert}: must be between 0 and {layersCount - 2} for {modelDir} ({layersCount} decoder layers; an insertion after the last layer has nothing to act on).");
        return new ResolvedBlink(modelDir, config, blink, tokensr, shape, k, r, note, vicrop, insert);
    }

    /// <summary>"0.25,0.5" → [0.25, 0.5].</summary>
    public static double[] ParseFractions(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new ArgumentException($"--vicrop-windows '{text}': '{parts[i]}' is not a number (expected fractions of the grid side, e.g. 0.25,0.375,0.5).");
        if (values.Length == 0) throw new ArgumentException($"--vicrop-windows '{text}': no window size given.");
        return values;
    }

    /// <summary>"12-18" or "12" → (12, 18) / (12, 12).</summary>
    public static (int First, int Last)? ParseLayers(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var first = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var last = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            if (first <= last) return (first, last);
        }
        throw new ArgumentException($"--blink-layers '{text}': expected FIRST-LAST (0-based, inclusive, e.g. 12-18) or one layer.");
    }

    private static (double, double) ReadCalibration(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return (doc.RootElement.GetProperty("TauExpand").GetDouble(), doc.RootElement.GetProperty("TauDrop").GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a calibration written by blink study ({e.Message}).", e);
        }
    }
}
