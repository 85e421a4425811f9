using System.CommandLine;
using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Models.Decoding;
using Blink.Workbench.Models.Generation;
using Spectre.Console;
using TorchSharp;

namespace Blink.Cli.Commands;

/// <summary>
/// <c>blink chat --model DIR --image FILE "question"</c>: one greedy answer from a llava-hf model folder (or a
/// workbench bundle), vanilla or with Blink-interp, with the prefill time and, for Blink, what it did per layer.
/// </summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var device = new DeviceOptions();
        var model = new Option<string>("--model") { Description = "Model folder in the llava-hf layout (config.json, safetensors, tokenizer.model)", Required = true };
        var image = new Option<string>("--image") { Description = "Image file (PNG, JPEG, WebP, GIF, BMP)", Required = true };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Longest answer in tokens", DefaultValueFactory = _ => 64 };
        var method = new Option<string>("--method") { Description = "vanilla or blink-interp", DefaultValueFactory = _ => "vanilla" };
        method.AcceptOnlyFromAmong("vanilla", "blink-interp");
        var question = new Argument<string>("question") { Description = "The question about the image" };
        var command = new Command("chat", "Ask a LLaVA model one question about an image (greedy decoding).")
        {
            model, image, maxNewTokens, method, question,
        };
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var (dev, dtype) = device.Resolve(result);
            var folder = result.GetValue(model)!;
            var imagePath = result.GetValue(image)!;
            var maxNew = result.GetValue(maxNewTokens);
            if (maxNew < 1) throw new ArgumentException($"--max-new-tokens must be ≥ 1, got {maxNew}.");
            if (!File.Exists(imagePath)) throw new FileNotFoundException($"Image not found: {imagePath}", imagePath);

            using var bundle = LoadWithProgress(folder, dev, dtype);
            using var bitmap = ImageLoader.Load(imagePath);
            using var pixels = bundle.Preprocessor.ToTensor(bitmap, dev).unsqueeze(0);
            using var ids = bundle.PromptIds(result.GetValue(question)!);
            var config = bundle.Model.Config;
            var blink = result.GetValue(method) == "blink-interp"
                ? new BlinkInterceptor(BlinkOptions.ForModel(config.TextConfig.NumHiddenLayers, config.VisionConfig.GridSize) with { Expander = ExpanderKind.Interpolation },
                    new InterpolationExpander())
                : null;

            var answer = GreedyDecoder.Generate(bundle.Model, ids, pixels,
                new GenerationOptions(MaxNewTokens: maxNew, UseCache: true, EosId: bundle.Tokenizer.EosId), blink);
            AnsiConsole.MarkupLineInterpolated($"[bold]answer:[/] {bundle.Tokenizer.Decode(answer.Tokens)}");
            AnsiConsole.MarkupLineInterpolated(
                $"prefill {answer.PrefillTime.TotalMilliseconds:F0} ms ({ids.shape[1]} prompt tokens, {answer.PrefillTokensPerLayer.Sum()} token-layers), total {answer.TotalTime.TotalMilliseconds:F0} ms for {answer.Tokens.Length} tokens on {dev} {dtype}");
            if (blink is not null)
                AnsiConsole.MarkupLineInterpolated($"blink: {(blink.Trace.Events.Count == 0 ? "no decisions" : blink.Trace.ToString())}");
            return 0;
        }));
        return command;
    }

    private static ModelBundle LoadWithProgress(string folder, torch.Device device, torch.ScalarType dtype)
    {
        ModelBundle? bundle = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"loading {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))} ({dtype} on {device})", maxValue: 1);
                bundle = ModelBundle.Load(folder, device, dtype, weightProgress: p =>
                {
                    task.MaxValue = Math.Max(1, p.BytesTotal);
                    task.Value = p.BytesDone;
                });
                task.Value = task.MaxValue;
            });
        return bundle!;
    }
}
