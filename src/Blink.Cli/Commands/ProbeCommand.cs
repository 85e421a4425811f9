using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Analysis;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.IO;
using Blink.Workbench.Models;
using Blink.Workbench.Training;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink probe position</c>: where a model loses the answer to the testbed's relative-position questions (either
/// form, <see cref="TestbedOptions.PositionForm"/>) — in the visual features, the attention, or the decoder
/// (<see cref="PositionProbe"/>).
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var command = new Command("probe", "Linear probes of what a model's features and hidden states know.");
        var model = new Option<string>("--model") { Description = "Model folder (Hugging Face layout); default: the embedded tiny testbed model", DefaultValueFactory = _ => PilotCommand.DefaultModel };
        var view = new Option<string>("--view") { Description = "whole (what vanilla sees) or crop (the zoom oracle's evidence crop)", DefaultValueFactory = _ => "whole" };
        var questions = new Option<int>("--questions") { Description = "Position questions to probe (70% fit each probe, 30% score it)", DefaultValueFactory = _ => 1000 };
        var split = new Option<string>("--split") { Description = "Testbed split the questions come from", DefaultValueFactory = _ => "val" };
        var testbed = TestbedCommand.NewOptionsFileOption();
        var json = new Option<string?>("--json") { Description = "Also write the result as JSON to this file" };
        var position = new Command("position", "Do the two objects' visual tokens, the last prompt token's attention and its hidden state per layer carry where the objects are and the answer?")
        {
            model, view, questions, split, testbed, json,
        };
        position.SetAction(result => CliErrors.Run(() =>
        {
            var viewName = result.GetValue(view)!;
            var options = new PositionProbeOptions
            {
                Questions = result.GetValue(questions),
                Split = TestbedSplitNames.Parse(result.GetValue(split)!),
                View = viewName switch
                {
                    "whole" => TestbedView.Base,
                    "crop" => TestbedView.EvidenceCrop,
                    _ => throw new ArgumentException($"--view '{viewName}': expected whole or crop."),
                },
                Testbed = TestbedCommand.Resolve(result.GetValue(testbed)),
            };
            options.Validate();
            var printer = new ProgressPrinter();
            using var bundle = ModelBundle.Load(PilotCommand.ResolveModel(result.GetValue(model)!), progress: m => printer.Line(m, force: true));
            bundle.Model.eval();
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            var r = PositionProbe.Run(bundle, options, new SynchronousProgress<int>(i => printer.Line($"probed {i}/{options.Questions} questions")), cts.Token);

            AnsiConsole.MarkupLineInterpolated($"[bold]{bundle.ModelId}[/], {r.Questions} {r.Form} position questions ({options.Split.Name()}), {viewName} view; held-out probe accuracies (relation: 50% = chance; answer: {r.AnswerChance:P1} = chance)");
            AnsiConsole.MarkupLineInterpolated($"  model's own accuracy {r.ModelAccuracy:P1}; both objects in one visual token in {r.SharedToken:P0} of the questions");
            AnsiConsole.MarkupLineInterpolated($"  visual features of both objects' tokens → which comes first {r.FeaturesKnowRelation:P1}; the first object's token alone {r.FirstFeatureKnowsRelation:P1}");
            var table = new Table().AddColumns(r.Columns.Select(Markup.Escape).ToArray());
            foreach (var l in r.Layers)
                table.AddRow(l.Layer.ToString(CultureInfo.InvariantCulture), $"{l.AttentionOnFirst:F3}", $"{l.AttentionOnSecond:F3}", $"{l.KnowsRelation:P1}", $"{l.KnowsAnswer:P1}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"  (uniform attention over the visual tokens: {r.UniformAttention:F3} each)");
            if (result.GetValue(json) is { } file)
            {
                AtomicFile.WriteAllText(file, JsonSerializer.Serialize(r, new JsonSerializerOptions { WriteIndented = true }));
                AnsiConsole.MarkupLineInterpolated($"wrote [green]{file}[/]");
            }
            return 0;
        }));
        command.Subcommands.Add(position);
        return command;
    }
}
