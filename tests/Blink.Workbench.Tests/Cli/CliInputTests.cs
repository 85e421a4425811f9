using System.Text.Json.Nodes;
using Blink.Workbench.Tests.Evaluation;

namespace Blink.Workbench.Tests.Cli;

/// <summary>Bad options get one clear line that names the option and value, before any model loads or file is written.</summary>
[Collection("Torch")]
public sealed class CliInputTests
{
    private static void AssertError((int ExitCode, string Output) run, params string[] expected)
    {
        Assert.Equal(1, run.ExitCode);
        foreach (var text in expected) Assert.Contains(text, run.Output);
        Assert.DoesNotContain("System.", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
    }

    [Fact]
    public void Unparsable_numbers_say_what_to_type()
    {
        AssertError(CliRunner.Run("eval", "--limit", "ten"), "'ten'", "--limit", "a whole number");
        AssertError(CliRunner.Run("eval", "--tau-exp", "abc"), "'abc'", "--tau-exp", "a number");
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("100000")]
    public void Threads_are_bounded_by_the_cores(string threads)
    {
        AssertError(CliRunner.Run("chat", "--threads", threads), $"--threads {threads}", $"1 to {Environment.ProcessorCount}");
        AssertError(CliRunner.Run("eval", "--threads", threads, "--limit", "1"), $"--threads {threads}");
        AssertError(CliRunner.Run("train-base", "--threads", threads), $"--threads {threads}");
    }

    [Fact]
    public void Unknown_or_unavailable_devices_are_named()
    {
        AssertError(CliRunner.Run("chat", "--device", "tpu"), "--device tpu", "expected cpu, cuda or cuda:N");
#if !TORCH_CUDA
        AssertError(CliRunner.Run("chat", "--device", "cuda"), "--device cuda", "TORCH_FLAVOR=cuda");
#endif
    }

    [Fact]
    public void A_Blink_layer_needs_a_layer_after_it()
    {
        using var temp = new TempFolder();
        AssertError(CliRunner.Run("eval", "--blink-layers", "5", "--limit", "1", "--out", temp.Path), "Blink layer 5 is the model's last decoder layer");
        AssertError(CliRunner.Run("chat", "--blink-layers", "2-9"), "Blink layers 2..9 are outside");
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Sample_counts_are_checked()
    {
        AssertError(CliRunner.Run("calibrate", "--samples", "-4"), "--samples must be ≥ 1, got -4");
        AssertError(CliRunner.Run("train-tokensr", "--samples", "0", "--work", Path.Combine(Path.GetTempPath(), "blink-unused")), "--samples must be ≥ 10", "got 0");
    }

    [Fact]
    public void Testbed_options_may_be_given_inline_as_its_help_shows()
    {
        using var temp = new TempFolder();
        var run = CliRunner.Run("testbed", "--testbed", "{\"Seed\": 7}", "--train", "1", "--val", "0", "--test", "0", "--out", temp.Path);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(7, JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, "options.json")))!["Seed"]!.GetValue<int>());
        AssertError(CliRunner.Run("testbed", "--testbed", "{\"Sead\": 7}", "--out", Path.Combine(temp.Path, "other")), "--testbed", "Sead");
    }

    [Fact]
    public void Report_of_a_folder_without_run_files_writes_nothing()
    {
        using var temp = new TempFolder();
        AssertError(CliRunner.Run("report", "--run", temp.Path), temp.Path, "holds no run files");
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Help_works_as_a_command_and_every_command_names_the_Blink_options_alike()
    {
        var help = CliRunner.Run("help", "eval");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--tau-exp", help.Output);
        foreach (var command in new[] { "chat", "eval", "calibrate", "train-tokensr", "pilot", "study" })
        {
            var text = CliRunner.Run(command, "--help").Output;
            foreach (var option in new[] { "--model <model>", "--blink-layers <blink-layers>", "--patch <patch>", "--threads <threads>", "--device <device>" })
                Assert.True(text.Contains(option, StringComparison.Ordinal), $"blink {command} --help lacks {option}");
            foreach (var old in new[] { "--patch-size", "--first-layer", "--last-layer" })
                Assert.DoesNotContain(old, text);
        }
        foreach (var command in new[] { "chat", "eval" })
        {
            var text = CliRunner.Run(command, "--help").Output;
            foreach (var option in new[] { "--tau-exp", "--tau-drop", "--tokensr", "--run", "--fastv-k", "--fastv-r" })
                Assert.True(text.Contains(option + " <", StringComparison.Ordinal), $"blink {command} --help lacks {option}");
        }
    }

    [Fact]
    public void Chat_runs_on_the_embedded_default_with_no_model_or_image()
    {
        var run = CliRunner.Run("chat", "What color is the small star?", "--sample", "2");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("testbed test sample 2, written to", run.Output);
        Assert.Contains("blink-interp:", run.Output);
        Assert.Contains("ρ vs τ", run.Output);
        var unknown = CliRunner.Run("chat", "Is there a giraffe?", "--method", "vanilla");
        Assert.Contains("lacks 'giraffe'", unknown.Output);
    }

    [Fact]
    public void A_failed_eval_leaves_no_folder_and_a_torn_line_is_reported_once()
    {
        using var temp = new TempFolder();
        var failed = Path.Combine(temp.Path, "failed");
        AssertError(CliRunner.Run("eval", "--benchmark", "pope", "--data", Path.Combine(temp.Path, "missing"), "--out", failed), "pope data folder not found");
        Assert.False(Directory.Exists(failed));

        var data = Path.Combine(temp.Path, "data");
        Assert.Equal(0, CliRunner.Run("testbed", "--train", "0", "--val", "0", "--test", "6", "--out", data).ExitCode);
        var run = Path.Combine(temp.Path, "run");
        var first = CliRunner.Run("eval", "--data", Path.Combine(data, "test"), "--method", "vanilla", "--limit", "4", "--out", run);
        Assert.True(first.ExitCode == 0, first.Output);
        File.AppendAllText(Path.Combine(run, "answers", "vanilla.jsonl"), "{\"question_id\": \"x\", \"te");
        var resumed = CliRunner.Run("eval", "--data", Path.Combine(data, "test"), "--method", "vanilla", "--limit", "6", "--out", run);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(resumed.Output, "removed a torn last line"));
        Assert.Equal(6, File.ReadAllLines(Path.Combine(run, "answers", "vanilla.jsonl")).Length);

        // The reported integrity defect: other Blink options on the same folder are refused, nothing is touched.
        var before = File.ReadAllBytes(Path.Combine(run, "answers", "vanilla.jsonl"));
        var interp = CliRunner.Run("eval", "--data", Path.Combine(data, "test"), "--method", "blink-interp", "--limit", "3", "--out", run);
        Assert.True(interp.ExitCode == 0, interp.Output);
        AssertError(CliRunner.Run("eval", "--data", Path.Combine(data, "test"), "--method", "blink-interp", "--tau-exp", "0.5", "--limit", "3", "--out", run),
            "blink.tau_expand: was", "now 0.5", "--new-run");
        var moved = CliRunner.Run("eval", "--data", Path.Combine(data, "test"), "--method", "blink-interp", "--tau-exp", "0.5", "--limit", "3", "--out", run, "--new-run");
        Assert.True(moved.ExitCode == 0, moved.Output);
        Assert.True(File.Exists(Path.Combine(run + "-2", "answers", "blink-interp.jsonl")));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, "answers", "vanilla.jsonl")));
    }

    [Fact]
    public void HeadroomOptions_AreCheckedBeforeTheModelLoads()
    {
        AssertError(CliRunner.Run("eval", "--method", "vicrop", "--vicrop-windows", "0.5,1.0", "--limit", "1"), "--vicrop-windows", "a crop window must be smaller than the image");
        AssertError(CliRunner.Run("eval", "--method", "vicrop", "--vicrop-windows", "half", "--limit", "1"), "'half' is not a number");
        AssertError(CliRunner.Run("eval", "--method", "vicrop", "--vicrop-layer", "9", "--limit", "1"), "ViCrop layer 9 is outside the model's decoder layers 0..5");
        AssertError(CliRunner.Run("eval", "--method", "teacher-salient", "--insert-layer", "5", "--limit", "1"), "--insert-layer 5", "between 0 and 4");
        AssertError(CliRunner.Run("chat", "--method", "vicrop", "--generic-prompt", "zorblax", "what color is the small star ?"), "tokenizes to nothing the model knows");
    }
}
