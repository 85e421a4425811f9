using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Blink.Workbench.Performance;
using Spectre.Console;
using static TorchSharp.torch;

namespace Blink.Cli.Commands;

/// <summary>
/// Checkpoint-loading memory for <c>blink bench</c>: writes a LLaVA-7B-shaped slice checkpoint (fp16 safetensors) to a
/// temporary folder, loads it in a child process (<c>blink bench load-memory DIR</c>, hidden), and compares the child's
/// peak resident-memory growth with the bound (the checkpoint's size plus its largest tensor).
/// </summary>
internal static class LoadMemoryBench
{
    /// <summary>The hidden child command: loads a checkpoint folder and prints one JSON line with the measurement.</summary>
    public static Command CreateChildCommand()
    {
        var folder = new Argument<string>("folder") { Description = "Checkpoint folder (config.json + safetensors)" };
        var warmupModel = new Option<string?>("--warmup-model") { Description = "A small model folder loaded first (libtorch start-up is not counted)" };
        var command = new Command("load-memory", "Measure peak RSS growth of loading a checkpoint (run by blink bench in a child process).") { folder, warmupModel };
        command.Hidden = true;
        command.SetAction(result => CliErrors.Run(() =>
        {
            var r = CheckpointLoadResult.Measure(result.GetValue(folder)!, ScalarType.Float16, result.GetValue(warmupModel));
            Console.WriteLine(JsonSerializer.Serialize(r));
            return 0;
        }));
        return command;
    }

    public static void Run(BenchReport report, int layers, string? warmupModel)
    {
        const string title = "Checkpoint loading memory (LLaVA-7B-shaped slice, fp16 safetensors, loaded in a child process)";
        if (!ProcessMemory.IsAvailable)
        {
            report.Section(title, ["checkpoint", "result"], [["—", "not measured: resident memory is read from /proc (Linux only)"]]);
            return;
        }
        var folder = Path.Combine(Path.GetTempPath(), $"blink-bench-checkpoint-{Environment.ProcessId}");
        try
        {
            AnsiConsole.MarkupLineInterpolated($"checkpoint memory: writing a {layers}-layer slice checkpoint (fp16) to {folder}…");
            var clock = Stopwatch.StartNew();
            var (fileBytes, _) = SliceCheckpoint.Write(folder, layers);
            AnsiConsole.MarkupLineInterpolated($"  {fileBytes / 1048576.0:F0} MiB in {clock.Elapsed.TotalSeconds:F1} s; loading it in a child process…");
            var r = RunChild(folder, warmupModel);
            var verdict = r.WithinBound ? "PASS" : "FAIL";
            report.Section(title,
                ["checkpoint", "file MiB", "largest tensor MiB", "bound MiB (file + largest)", "peak RSS growth MiB", "growth after load MiB", "load s", "peak ≤ bound"],
                [[
                    $"{layers} layers × 4096 + embeddings + LM head", BenchReport.MiB(r.FileBytes), BenchReport.MiB(r.LargestTensorBytes), BenchReport.MiB(r.BoundBytes),
                    BenchReport.MiB(r.PeakGrowthBytes), BenchReport.MiB(r.GrowthAfterBytes), BenchReport.F(r.Seconds, 1), verdict,
                ]],
                $"Loaded with the meta-device loader (LlavaWeights) in its stored dtype on the CPU by a fresh process (blink bench load-memory), after a warm-up load " +
                $"of {(warmupModel is null ? "nothing (no embedded model found)" : "the embedded model")}; peak from {r.PeakSource}.");
            report.Data("checkpoint_load_memory", new
            {
                r.FileBytes, r.LargestTensorBytes, r.ModelBytes, r.BoundBytes, r.RssBeforeBytes, r.PeakGrowthBytes, r.GrowthAfterBytes, r.Seconds, r.DType, r.PeakSource, verdict,
            });
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or JsonException or UnauthorizedAccessException)
        {
            report.Section(title, ["checkpoint", "result"], [[folder, $"not measured: {e.Message}"]]);
            report.Data("checkpoint_load_memory", new { error = e.Message });
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs this program's <c>bench load-memory</c> in a new process and reads its JSON line.</summary>
    private static CheckpointLoadResult RunChild(string folder, string? warmupModel)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable runs blink.");
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            psi.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("No entry assembly."));
        foreach (var a in new[] { "bench", "load-memory", folder }) psi.ArgumentList.Add(a);
        if (warmupModel is not null)
        {
            psi.ArgumentList.Add("--warmup-model");
            psi.ArgumentList.Add(warmupModel);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {host}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"the child process failed (exit {process.ExitCode}): {(stdout + stderr.Result).Trim()}");
        return JsonSerializer.Deserialize<CheckpointLoadResult>(line) ?? throw new InvalidOperationException($"unreadable child output: {line}");
    }
}
