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
/// (<see cref="PositionProbe"/>). <c>blink probe object</c>: the same for questions about one small object's shape,
/// colour or digit (<see cref="ObjectProbe"/>).
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var command = new Command("probe", "Linear probes of what a model's features and hidden states know.");
        command.Subcommands.Add(Position());
        command.Subcommands.Add(Object());
        return command;
    }

    /// <summary>The options every probe shares; one set per subcommand.</summary>
    private sealed class Shared
    {
        public Option<string> Model { get; } = new("--model") { Description = "Model folder (Hugging Face layout); default: the embedded tiny testbed model", DefaultValueFactory = _ => PilotCommand.DefaultModel };
        public Option<string> View { get; } = new("--view") { Description = "whole (what vanilla sees) or crop (the zoom oracle's evidence crop)", DefaultValueFactory = _ => "whole" };
        public Option<int> Questions { get; } = new("--questions") { Description = "Questions to probe (70% fit each probe, 30% score it)", DefaultValueFactory = _ => 1000 };
        public Option<string> Split { get; } = new("--split") { Description = "Testbed split the questions come from", DefaultValueFactory = _ => "val" };
        public Option<string> Testbed { get; } = TestbedCommand.NewOptionsFileOption();
        public Option<string?> Json { get; } = new("--json") { Description = "Also write the result as JSON to this file" };

        public void AddTo(Command c)
        {
            foreach (var o in new Option[] { Model, View, Questions, Split, Testbed, Json }) c.Options.Add(o);
        }

        /// <summary>The options both probes' option records take: questions, split, view, testbed.</summary>
        public (int Questions, TestbedSplit Split, TestbedView View, TestbedOptions Testbed) Parse(ParseResult r) =>
            (r.GetValue(Questions), TestbedSplitNames.Parse(r.GetValue(Split)!), r.GetValue(View)! switch
            {
                "whole" => TestbedView.Base,
                "crop" => TestbedView.EvidenceCrop,
                var v => throw new ArgumentException($"--view '{v}': expected whole or crop."),
            }, TestbedCommand.Resolve(r.GetValue(Testbed)));

        /// <summary>Loads the model, runs the probe with progress and Ctrl+C, prints it, and writes the JSON when asked.</summary>
        public int Run<T>(ParseResult r, int questions, Func<ModelBundle, IProgress<int>, CancellationToken, T> probe, Action<ModelBundle, T> print)
        {
            var printer = new ProgressPrinter();
            using var bundle = ModelBundle.Load(PilotCommand.ResolveModel(r.GetValue(Model)!), progress: m => printer.Line(m, force: true), weightProgress: printer.Weights);
            bundle.Model.eval();
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            var result = probe(bundle, new SynchronousProgress<int>(i => printer.Count("probed questions", i, questions)), cts.Token);
            print(bundle, result);
            if (r.GetValue(Json) is { } file)
            {
                AtomicFile.WriteAllText(file, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
                AnsiConsole.MarkupLineInterpolated($"wrote [green]{file}[/]");
            }
            return 0;
        }
    }

    private static Command Position()
    {
        var shared = new Shared();
        var position = new Command("position", "Do the two objects' visual tokens, the last prompt token's attention and its hidden state per layer carry where the objects are and the answer?");
        shared.AddTo(position);
        position.SetAction(result => CliErrors.Run(() =>
        {
            var (questions, split, view, testbed) = shared.Parse(result);
            var options = new PositionProbeOptions { Questions = questions, Split = split, View = view, Testbed = testbed };
            options.Validate();
            var viewName = result.GetValue(shared.View);
            return shared.Run(result, options.Questions, (bundle, progress, ct) => PositionProbe.Run(bundle, options, progress, ct), (bundle, r) =>
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{bundle.ModelId}[/], {r.Questions} {r.Form} position questions ({options.Split.Name()}), {viewName} view; held-out probe accuracies (relation: 50% = chance; answer: {r.AnswerChance:P1} = chance)");
                AnsiConsole.MarkupLineInterpolated($"  model's own accuracy {r.ModelAccuracy:P1}; both objects in one visual token in {r.SharedToken:P0} of the questions");
                AnsiConsole.MarkupLineInterpolated($"  visual features of both objects' tokens → which comes first {r.FeaturesKnowRelation:P1}; the first object's token alone {r.FirstFeatureKnowsRelation:P1}");
                var table = new Table().AddColumns(r.Columns.Select(Markup.Escape).ToArray());
                foreach (var l in r.Layers)
                    table.AddRow(l.Layer.ToString(CultureInfo.InvariantCulture), $"{l.AttentionOnFirst:F3}", $"{l.AttentionOnSecond:F3}", $"{l.KnowsRelation:P1}", $"{l.KnowsAnswer:P1}");
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLineInterpolated($"  (uniform attention over the visual tokens: {r.UniformAttention:F3} each)");
            });
        }));
        return position;
    }

    private static Command Object()
    {
        var shared = new Shared();
        var category = new Option<string>("--category") { Description = $"Question family about one object: {string.Join(", ", ObjectProbeOptions.Categories)}", DefaultValueFactory = _ => TestbedVocabulary.Shape };
        var command = new Command("object", "For shape, colour or digit questions: does the asked object's visual token encode the answer, does the last prompt token look at it, and does its hidden state per layer know the answer?");
        shared.AddTo(command);
        command.Options.Add(category);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var (questions, split, view, testbed) = shared.Parse(result);
            var options = new ObjectProbeOptions { Category = result.GetValue(category)!, Questions = questions, Split = split, View = view, Testbed = testbed };
            options.Validate();
            var viewName = result.GetValue(shared.View);
            return shared.Run(result, options.Questions, (bundle, progress, ct) => ObjectProbe.Run(bundle, options, progress, ct), (bundle, r) =>
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{bundle.ModelId}[/], {r.Questions} {r.Category} questions ({options.Split.Name()}), {viewName} view; held-out probe accuracies ({r.AnswerChance:P1} = chance)");
                AnsiConsole.MarkupLineInterpolated($"  model's own accuracy {r.ModelAccuracy:P1}; the asked object is {r.ObjectPixels:F1} input pixels wide");
                AnsiConsole.MarkupLineInterpolated($"  visual feature of the object's token → answer {r.FeatureKnowsAnswer:P1}");
                var table = new Table().AddColumns("layer", $"attention on the object (uniform {r.UniformAttention:F3})", "hidden → answer");
                foreach (var l in r.Layers)
                    table.AddRow(l.Layer.ToString(CultureInfo.InvariantCulture), $"{l.AttentionOnObject:F3}", $"{l.KnowsAnswer:P1}");
                AnsiConsole.Write(table);
            });
        }));
        return command;
    }
}
