using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.IO;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Blink.Workbench.Training;
using Spectre.Console;
using TorchSharp;
using Blink.Workbench.Evaluation.Runs;
using Blink.Workbench.Experiments;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink study</c>, the main job: on the embedded default, the pilot study (where each layer looks; which band to
/// use), threshold calibration, a short TokenSR training against the crop teacher, the evaluation of every method with
/// paired statistics, the forced-expansion pilot, and one self-contained HTML report. Every stage writes into one run
/// folder; answer files and the TokenSR feature cache make a re-run resume instead of starting over.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var device = new DeviceOptions();
        var blinkOptions = new BlinkCliOptions();
        var output = new Option<string>("--out") { Description = "Run folder", DefaultValueFactory = _ => "artifacts/study" };
        var valSamples = new Option<int>("--val-samples") { Description = "Validation questions for the pilot study and calibration", DefaultValueFactory = _ => 240 };
        var testSamples = new Option<int>("--test-samples") { Description = "Test questions for the evaluation of every method", DefaultValueFactory = _ => 600 };
        var forcedSamples = new Option<int>("--forced-samples") { Description = "Test questions for the forced-expansion pilot", DefaultValueFactory = _ => 300 };
        var decompositionSamples = new Option<int>("--decomposition-samples") { Description = "Test questions for the headroom decomposition (ViCrop, input crops, one-layer insertions; 0 leaves it out)", DefaultValueFactory = _ => 300 };
        var srSamples = new Option<int>("--tokensr-samples") { Description = "Training scenes for TokenSR's teacher features", DefaultValueFactory = _ => 600 };
        var srSteps = new Option<int>("--tokensr-steps") { Description = "TokenSR optimizer steps", DefaultValueFactory = _ => 400 };
        var quick = new Option<bool>("--quick") { Description = "A small configuration for smoke tests (a minute)" };
        var command = new Command("study", "The main job: pilot study, TokenSR training, evaluation of all methods and an HTML report, on the embedded default.")
        {
            output, valSamples, testSamples, forcedSamples, decompositionSamples, srSamples, srSteps, quick,
        };
        blinkOptions.AddTo(command, methods: false);
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var resolved = blinkOptions.Resolve(result);
            var settings = new StudySettings(
                resolved.ModelDir, result.GetValue(output)!, result.GetValue(valSamples), result.GetValue(testSamples), result.GetValue(forcedSamples),
                result.GetValue(srSamples), result.GetValue(srSteps), resolved.Blink, result.GetValue(blinkOptions.Layers) is not null,
                result.GetValue(decompositionSamples));
            if (result.GetValue(quick)) settings = settings.AsQuick();
            var (dev, dtype) = device.Resolve(result, resolved.ModelDir);
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            var outcome = StudyPipeline.Run(settings, dev, dtype, new ConsoleStudyLog(), cts.Token,
                string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Prepend("blink")));
            PrintSummary("evaluation", outcome.Evaluation);
            PrintSummary("forced expansion", outcome.ForcedExpansion);
            AnsiConsole.MarkupLineInterpolated($"[green]done[/] in {outcome.Elapsed:m\\:ss}. Report: [link]{Path.GetFullPath(outcome.ReportPath)}[/]");
            return 0;
        }));
        return command;
    }

    private static void PrintSummary(string title, ResultsTable table)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{title}[/]");
        foreach (var row in table.BuildRows().Where(r => r.Category == ResultsTable.AllCategory))
        {
            var head = string.Create(CultureInfo.InvariantCulture, $"  {row.Method,-18} accuracy {row.Accuracy * 100,5:F1}%");
            var delta = row.VsBaseline is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"  Δ {c.Bootstrap.Difference * 100:+0.0;-0.0} pp [{c.Bootstrap.Lower * 100:+0.0;-0.0}, {c.Bootstrap.Upper * 100:+0.0;-0.0}]  McNemar p {c.McNemar.ExactPValue:0.###}")
                : "";
            AnsiConsole.WriteLine(head + delta);
        }
    }

    /// <summary>The study's stages in bold with the elapsed time, its results indented, its progress thinned to a line every few seconds.</summary>
    private sealed class ConsoleStudyLog : IStudyLog
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ProgressPrinter _printer = new();

        public void Stage(string title) => AnsiConsole.MarkupLineInterpolated($"[bold blue]▶[/] [bold]{title}[/]  [grey]({_clock.Elapsed:m\\:ss})[/]");
        public void Result(string text) => AnsiConsole.WriteLine("  " + text);
        public void Progress(string text, bool last = false) => _printer.Line("  " + text, last);
        public void Count(string label, double done, double total, string unit = "") => _printer.Count("  " + label, done, total, unit);
        public void Warning(string text) => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {text}");
    }
}
