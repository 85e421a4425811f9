using System.CommandLine;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Training;

namespace Blink.Cli.Commands;

/// <summary>Options shared by train-tokensr and calibrate: the model, the Blink band and the testbed data.</summary>
internal sealed class TokenSRCliShared
{
    public Option<string> Model { get; } = new("--model") { Description = "Model folder", DefaultValueFactory = _ => "data/models/tiny-testbed" };
    public Option<int> FirstLayer { get; } = new("--first-layer") { Description = "First Blink layer (-1 = the model's default band)", DefaultValueFactory = _ => -1 };
    public Option<int> LastLayer { get; } = new("--last-layer") { Description = "Last Blink layer (-1 = default)", DefaultValueFactory = _ => -1 };
    public Option<int> PatchSize { get; } = new("--patch-size") { Description = "Region side p in tokens (0 = default for the grid)", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(FirstLayer);
        command.Options.Add(LastLayer);
        command.Options.Add(PatchSize);
    }

    public BlinkOptions Blink(ParseResult result, ModelBundle bundle)
    {
        var o = BlinkOptions.ForModel(bundle.Model.DecoderLayerCount, bundle.Model.Config.VisionConfig.GridSize);
        if (result.GetValue(FirstLayer) is var f and >= 0) o = o with { FirstLayer = f };
        if (result.GetValue(LastLayer) is var l and >= 0) o = o with { LastLayer = l };
        if (result.GetValue(PatchSize) is var p and > 0)
        {
            var grid = bundle.Model.Config.VisionConfig.GridSize;
            var uniform = (double)p * p / (grid * grid);
            o = o with { PatchSize = p, TauExpand = Math.Min(1, 3 * uniform), TauDrop = Math.Min(1, 1.5 * uniform) };
        }
        o.Validate(bundle.Model.Config);
        return o;
    }

    /// <summary>Testbed samples rendered for the model's input size.</summary>
    public static ITokenSRDataSource Testbed(ModelBundle bundle, TestbedSplit split, int count)
    {
        var pre = bundle.Preprocessor.Options;
        var generator = new TestbedGenerator(new TestbedOptions { InputSize = pre.Size, PatchSize = pre.PatchSize });
        return new TestbedTokenSRSource(generator, split, 0, count);
    }
}
