using System.CommandLine;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation.Benchmarks.Fixtures;
using Blink.Workbench.Data.Testbed;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary><c>blink benchmarks list | fixtures</c>: what <c>blink eval</c> reads, and small data sets to try it on.</summary>
internal static class BenchmarksCommand
{
    public static Command Create()
    {
        var list = new Command("list", "The benchmarks blink eval reads, with the data folder layout each expects.");
        list.SetAction(_ => CliErrors.Run(() =>
        {
            var table = new Table().AddColumn("name").AddColumn("reads");
            foreach (var b in BenchmarkRegistry.Default.All) table.AddRow(Markup.Escape(b.Name), Markup.Escape(b.Description));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("Layouts, metrics and scale-out: docs/benchmarks.md");
            return 0;
        }));

        var output = new Option<string>("--out") { Description = "Folder to write the fixture sets into", DefaultValueFactory = _ => "artifacts/benchmark-fixtures" };
        var seed = new Option<int>("--seed") { Description = "Seed of the fixture content", DefaultValueFactory = _ => 0 };
        var fixtures = new Command("fixtures", "Write a small data set in every benchmark's release format (drawn shapes, true answers) to try blink eval on.") { output, seed };
        fixtures.SetAction(result => CliErrors.Run(() =>
        {
            var root = result.GetValue(output)!;
            var set = BenchmarkFixtureWriter.Write(root, result.GetValue(seed));
            var table = new Table().AddColumn("benchmark").AddColumn("data folder").AddColumn(new TableColumn("questions").RightAligned());
            foreach (var (name, dir) in set.DataDirectories.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(name), Markup.Escape(dir), BenchmarkRegistry.Default.Get(name).Load(dir).Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"try: [green]blink eval --benchmark pope --data {Path.Combine(root, "pope")} --model tests/fixtures/llava-tiny-hf --out artifacts/eval/pope-fixture[/]");
            return 0;
        }));

        return new Command("benchmarks", "List the supported benchmarks, or write fixture data sets in their formats.") { list, fixtures };
    }
}
