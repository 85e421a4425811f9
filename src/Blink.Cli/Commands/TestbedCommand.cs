using System.CommandLine;
using System.Globalization;
using Blink.Workbench.Data.Testbed;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary><c>blink testbed</c>: writes the synthetic testbed's splits (LLaVA question files, scenes, PNGs) to a folder.</summary>
internal static class TestbedCommand
{
    public static Option<string> NewOptionsFileOption() => new("--testbed")
    {
        Description = "Testbed options: a JSON file, or the JSON itself (keys as in TestbedOptions, e.g. '{\"Seed\": 7, \"QuadrantCountShare\": 0.5}'); default: the embedded testbed",
    };

    /// <summary>The testbed the options file names, or the default one.</summary>
    public static TestbedOptions Resolve(string? pathOrJson) => string.IsNullOrWhiteSpace(pathOrJson) ? new TestbedOptions()
        : pathOrJson.TrimStart().StartsWith('{') ? TestbedOptionsFile.Parse(pathOrJson, "--testbed") : TestbedOptionsFile.Load(pathOrJson);

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write train/, val/, test/, options.json and vocab.json into", DefaultValueFactory = _ => "data/testbed" };
        var train = new Option<int>("--train") { Description = "Training samples to write", DefaultValueFactory = _ => 600 };
        var val = new Option<int>("--val") { Description = "Validation samples to write", DefaultValueFactory = _ => 600 };
        var test = new Option<int>("--test") { Description = "Test samples to write", DefaultValueFactory = _ => 600 };
        var seed = new Option<int?>("--seed") { Description = "Master seed (overrides the options file's)" };
        var optionsFile = NewOptionsFileOption();
        var force = new Option<bool>("--force") { Description = "Write into a folder that already holds a testbed (its splits are replaced)" };
        var command = new Command("testbed", "Write the synthetic fine-grained testbed (question files in LLaVA's format, scene descriptions, images) to a folder.")
        {
            output, train, val, test, seed, optionsFile, force,
        };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var options = Resolve(result.GetValue(optionsFile));
            if (result.GetValue(seed) is { } s) options = options with { Seed = s };
            var folder = result.GetValue(output)!;
            foreach (var (name, count) in new[] { ("--train", result.GetValue(train)), ("--val", result.GetValue(val)), ("--test", result.GetValue(test)) })
                if (count < 0) throw new ArgumentException($"{name} {count}: a sample count must not be negative.");
            if (File.Exists(Path.Combine(folder, TestbedWriter.OptionsFile)) && !result.GetValue(force))
                throw new IOException($"{folder} already holds a testbed ({TestbedWriter.OptionsFile}); pass --force to replace its splits, or choose another --out.");
            var generator = new TestbedGenerator(options);
            var printer = new ProgressPrinter();
            printer.Line($"writing the testbed to {folder}", force: true);
            var written = TestbedWriter.WriteDataset(generator, folder, result.GetValue(train), result.GetValue(val), result.GetValue(test),
                new SynchronousProgress<(string Split, int Done, int Total)>(p => printer.Count($"{p.Split} samples", p.Done, p.Total)));
            var table = new Table().AddColumn("split").AddColumn(new TableColumn("samples").RightAligned()).AddColumn("questions").AddColumn(new TableColumn("images/s").RightAligned());
            foreach (var w in written)
                table.AddRow(Markup.Escape(Path.GetFileName(w.Folder)), w.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(w.QuestionsPath), w.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"evaluate with: [green]blink eval --benchmark testbed --data {Path.Combine(folder, "test")}[/]");
            return 0;
        }));
        return command;
    }
}
