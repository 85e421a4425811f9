using System.Globalization;
using System.Text.RegularExpressions;
using Blink.Workbench.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// A TokenSR bank on disk, read and written here only: <c>NAME.safetensors</c> with the keys
/// <c>layer_{L}.conv{1,2,3}.*</c>, and <c>NAME.json</c> beside it saying how it was made (written by training).
/// Opens a trained TokenSR bank from its safetensors file. The file alone says what it holds: the decoder layers from
/// the keys <c>layer_{L}.conv1.weight</c>, the hidden size and refinement width from that weight's shape
/// [width, hidden, 1, 1]. So any bank file loads without a side file, and a bank trained for another model is refused
/// with both hidden sizes in the message.
/// </summary>
public static partial class TokenSRBankFile
{
    [GeneratedRegex(@"^layer_(\d+)\.conv1\.weight$")]
    private static partial Regex Conv1Key();

    /// <summary>What a bank file holds, read from its header only.</summary>
    public sealed record Shape(IReadOnlyList<int> Layers, int HiddenSize, int Width);

    public static Shape Inspect(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"TokenSR file not found: {path}", path);
        using var file = SafetensorsFile.Open(path);
        var layers = new List<int>();
        int hidden = -1, width = -1;
        foreach (var entry in file.Entries)
        {
            var match = Conv1Key().Match(entry.Name);
            if (!match.Success) continue;
            if (entry.Shape.Length != 4)
                throw new InvalidDataException($"{path}: {entry.Name} has shape {entry.ShapeText}, expected [width, hidden, 1, 1].");
            layers.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            int h = (int)entry.Shape[1], w = (int)entry.Shape[0];
            if ((hidden >= 0 && h != hidden) || (width >= 0 && w != width))
                throw new InvalidDataException($"{path}: {entry.Name} is {entry.ShapeText}, unlike the other layers' [{width}, {hidden}, 1, 1].");
            hidden = h;
            width = w;
        }
        if (layers.Count == 0)
            throw new InvalidDataException($"{path}: no TokenSR weights (keys layer_<L>.conv1.weight); is this a TokenSR bank?");
        layers.Sort();
        return new Shape(layers, hidden, width);
    }

    /// <summary>The metadata file beside a bank's weights.</summary>
    public static string MetaPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    /// <summary>Writes the weights and, beside them, <paramref name="metadata"/> as indented JSON; both atomically.</summary>
    public static void Save<TMeta>(TokenSRBank bank, string path, TMeta metadata)
    {
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"--out must end in .safetensors, got {path}.");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        CheckpointLoader.Save(bank, path, new Dictionary<string, string> { ["format"] = "pt", ["blink"] = "tokensr" });
        AtomicFile.WriteAllText(MetaPath(path), System.Text.Json.JsonSerializer.Serialize(metadata, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads the bank (strict: every tensor must fit) and moves it to <paramref name="device"/>.</summary>
    /// <param name="hiddenSize">The model's hidden size; the bank must have been trained for it.</param>
    public static TokenSRBank Load(string path, int hiddenSize, Device? device = null, int scale = 2)
    {
        var shape = Inspect(path);
        if (shape.HiddenSize != hiddenSize)
            throw new InvalidDataException($"{path}: TokenSR was trained for hidden size {shape.HiddenSize}, but the model's is {hiddenSize}.");
        var bank = new TokenSRBank(shape.Layers, shape.HiddenSize, shape.Width, scale);
        try
        {
            CheckpointLoader.Load(bank, path);
            if (device is not null) bank.to(device);
            bank.eval();
            return bank;
        }
        catch
        {
            bank.Dispose();
            throw;
        }
    }
}
