using System.CommandLine;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Training;

namespace Blink.Cli.Commands;

/// <summary>Options shared by train-tokensr and calibrate: the model, the Blink band and the testbed data.</summary>
internal sealed class TokenSRCliShared
{
    /// <summary>--model and the Blink band, named and checked as in every other command.</summary>
    public BlinkCliOptions Blink { get; } = new();

    public void AddTo(Command command) => Blink.AddTo(command, methods: false);

    /// <summary>Model folder and Blink options, validated against config.json before the model loads.</summary>
    public ResolvedBlink Resolve(ParseResult result) => Blink.Resolve(result);

    /// <summary>Testbed samples rendered for the model's input size.</summary>
    public static ITokenSRDataSource Testbed(ModelBundle bundle, TestbedSplit split, int count)
    {
        var pre = bundle.Preprocessor.Options;
        var generator = TestbedGenerator.ForModel(bundle.Model.Config);
        return new TestbedTokenSRSource(generator, split, 0, count);
    }
}
