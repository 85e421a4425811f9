using System.CommandLine;
using System.Globalization;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Generation;
using Blink.Workbench.Text;
using SkiaSharp;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink chat ["question"]</c>: one greedy answer with any method the evaluator runs, on any image or on a testbed
/// sample (the default: no model or image needed), with Blink's decisions one layer a line.
/// </summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var device = new DeviceOptions();
        var blinkOptions = new BlinkCliOptions();
        var image = new Option<string?>("--image") { Description = "Image file (PNG, JPEG, WebP, GIF, BMP); default: a testbed test sample (see --sample)" };
        var sample = new Option<int>("--sample") { Description = "Without --image: the testbed test sample to show (its picture is written to artifacts/chat/)", DefaultValueFactory = _ => 0 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Longest answer in tokens", DefaultValueFactory = _ => 64 };
        var method = new Option<string>("--method") { Description = "vanilla, blink-interp, blink (needs --tokensr or --run), blink-random, blink-fixed, blink-nodrop, blink-hightau, fastv, zoom-oracle (testbed samples only)", DefaultValueFactory = _ => "blink-interp" };
        var question = new Argument<string?>("question") { Description = "The question about the image (default: the testbed sample's own question)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("chat", "Ask a LLaVA model one question about an image with any method, and see what Blink did layer by layer.")
        {
            image, sample, maxNewTokens, method, question,
        };
        blinkOptions.AddTo(command);
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            // Everything checkable before the model loads.
            var resolved = blinkOptions.Resolve(result);
            var (dev, dtype) = device.Resolve(result, resolved.ModelDir);
            var spec = MethodCatalog.Find(resolved.Catalog, result.GetValue(method)!);
            var maxNew = result.GetValue(maxNewTokens);
            if (maxNew < 1) throw new ArgumentException($"--max-new-tokens must be ≥ 1, got {maxNew}.");
            var imagePath = result.GetValue(image);
            var sampleIndex = result.GetValue(sample);
            if (sampleIndex < 0) throw new ArgumentException($"--sample must be ≥ 0, got {sampleIndex}.");
            if (imagePath is not null && !File.Exists(imagePath)) throw new FileNotFoundException($"Image not found: {imagePath}", imagePath);
            if (spec.NeedsTokenSR && resolved.TokenSRPath is null)
                throw new ArgumentException($"Method '{spec.Name}' needs a trained TokenSR: pass --tokensr FILE or --run STUDY_FOLDER (./build.sh run writes artifacts/study).");

            SKBitmap bitmap;
            string text;
            PixelBox? evidence = null;
            if (imagePath is null)
            {
                using var testbed = TestbedGenerator.ForModel(resolved.Config).Generate(TestbedSplit.Test, sampleIndex);
                var png = Path.Combine("artifacts", "chat", $"{TestbedGenerator.SampleName(TestbedSplit.Test, sampleIndex)}.png");
                Directory.CreateDirectory(Path.GetDirectoryName(png)!);
                File.WriteAllBytes(png, testbed.EncodePng());
                bitmap = testbed.Image.Copy();
                text = result.GetValue(question) ?? testbed.Question.Question;
                evidence = testbed.Question.Evidence;
                AnsiConsole.MarkupLineInterpolated($"image: testbed test sample {sampleIndex}, written to [green]{png}[/]");
                if (result.GetValue(question) is null)
                    AnsiConsole.MarkupLineInterpolated($"its question: {text}  (answer: {testbed.Question.Answer})");
            }
            else
            {
                bitmap = ImageLoader.Load(imagePath);
                text = result.GetValue(question) ?? throw new ArgumentException("With --image, give the question as an argument: blink chat --image FILE \"What is in the picture?\".");
            }
            if (spec.UsesGroundTruth && evidence is null)
                throw new ArgumentException($"Method '{spec.Name}' reads the ground-truth evidence box, which only testbed samples have (drop --image).");

            using (bitmap)
            {
                if (resolved.Note is { } note) AnsiConsole.MarkupLineInterpolated($"{note}");
                var printer = new ProgressPrinter();
                using var bundle = ModelBundle.Load(resolved.ModelDir, dev, dtype, m => printer.Line(m, force: true), weightProgress: printer.Weights);
                WarnUnknownWords(bundle.Tokenizer, text);
                using var bank = resolved.TokenSRPath is null || !spec.NeedsTokenSR ? null : TokenSRBankFile.Load(resolved.TokenSRPath, resolved.Config.TextConfig.HiddenSize, dev);
                var runner = new MethodRunner(bundle, bank, new GenerationOptions(maxNew, EosId: bundle.Tokenizer.EosId));
                runner.Validate([spec]);
                var answer = runner.Answer(spec, new MethodInput(bitmap, text, sampleIndex, evidence));
                AnsiConsole.MarkupLineInterpolated($"[bold]{spec.Name}:[/] {(answer.Text.Length == 0 ? "(empty answer)" : answer.Text)}");
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"prefill {answer.PrefillTime.TotalMilliseconds:F0} ms, {answer.TokensPerLayer.Sum()} token-layers ({string.Join(" ", answer.TokensPerLayer)} tokens per layer) on {dev} {dtype}");
                if (answer.Trace is { } trace && spec.Blink is { } blink) AnsiConsole.Write(TraceTable(trace, blink));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>One row per Blink layer: what ρ was against the thresholds, what was done, and the sequence length after.</summary>
    public static Table TraceTable(BlinkTrace trace, BlinkOptions blink)
    {
        var table = new Table().Title($"Blink: layers {blink.FirstLayer}–{blink.LastLayer}, p = {blink.PatchSize}, τ_exp = {blink.TauExpand:G3}, τ_drop = {blink.TauDrop:G3}")
            .AddColumn("layer").AddColumn(new TableColumn("ρ").RightAligned()).AddColumn("ρ vs τ").AddColumn("action")
            .AddColumn("region (row, col, size)").AddColumn(new TableColumn("tokens").RightAligned());
        foreach (var e in trace.Events)
        {
            var versus = e.Rho > blink.TauExpand ? "> τ_exp" : e.Rho < blink.TauDrop ? "< τ_drop" : "between";
            var region = e.Region ?? e.Salient;
            table.AddRow(e.Layer.ToString(CultureInfo.InvariantCulture), e.Rho.ToString("F3", CultureInfo.InvariantCulture), versus,
                e.Action switch { BlinkAction.Expand => "[green]expand[/]", BlinkAction.Drop => "[yellow]drop[/]", _ => "—" },
                $"{(e.Region is null ? "salient " : "")}({region.Row}, {region.Col}, {region.Size})",
                $"{e.SequenceLengthAfter}{(e.TokensChanged == 0 ? "" : $" ({e.TokensChanged:+0;-0})")}");
        }
        if (trace.Events.Count == 0) table.AddRow("—", "", "", "no Blink layer ran", "", "");
        return table;
    }

    /// <summary>The embedded model knows only the testbed's words: say which ones it will read as unknown.</summary>
    private static void WarnUnknownWords(ITextTokenizer tokenizer, string text)
    {
        if (tokenizer is not WordTokenizer words) return;
        var unknown = WordTokenizer.SplitWords(text).Where(w => words.IdOf(w) == words.UnkId).Distinct().ToArray();
        if (unknown.Length > 0)
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] the model's vocabulary lacks {string.Join(", ", unknown.Select(w => $"'{w}'"))}; they reach it as <unk> (the embedded model knows only the testbed's words).");
    }
}
