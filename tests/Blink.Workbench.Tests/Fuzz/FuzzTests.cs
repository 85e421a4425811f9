using Xunit.Abstractions;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>
/// Every input format under mutation (truncations, bit flips, byte inserts and deletes, extreme integers, JSON values
/// replaced by extremes or wrong types, image headers with extreme dimensions): a valid result or the format's own
/// error naming the file, nothing else. CI runs 2,000 cases per format from a fixed seed; eng/fuzz.sh runs longer.
/// Byte-level and JSON formats are two classes so that xUnit runs them on two cores side by side.
/// </summary>
public abstract class FuzzTestsBase(ITestOutputHelper output)
{
    internal static TheoryData<string> Formats(bool binary) =>
        new(FuzzFormats.All.Where(f => (f.Structure is FuzzStructure.Binary or FuzzStructure.Image or FuzzStructure.Safetensors) == binary).Select(f => f.Name));

    protected void Mutate(string format) =>
        FuzzHarness.Run(FuzzFormats.Get(format), line => output.WriteLine("format\tcases\tseed\twall s\tcpu s\tresult\n" + line));

    protected static void Replay(string format)
    {
        var fuzzFormat = FuzzFormats.Get(format);
        var work = FuzzHarness.NewWorkFolder(fuzzFormat);
        try
        {
            var problems = FuzzHarness.CorpusFiles(fuzzFormat)
                .Select(file => (file, problem: FuzzHarness.Violation(fuzzFormat, work, File.ReadAllBytes(file))))
                .Where(r => r.problem is not null)
                .Select(r => $"{Path.GetFileName(r.file)}: {r.problem}")
                .ToList();
            Assert.True(problems.Count == 0, $"{format}: {problems.Count} corpus input(s) fail:\n" + string.Join("\n", problems));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>Byte-level formats: checkpoints, images, the SentencePiece model, MME's and MMBench's text files.</summary>
public sealed class FuzzBinaryFormatsTests(ITestOutputHelper output) : FuzzTestsBase(output)
{
    public static TheoryData<string> BinaryFormats => Formats(binary: true);

    [Theory]
    [MemberData(nameof(BinaryFormats))]
    public void Mutated_inputs_give_a_result_or_an_error_naming_the_file(string format) => Mutate(format);

    [Theory]
    [MemberData(nameof(BinaryFormats))]
    public void Every_saved_failing_input_is_handled(string format) => Replay(format);
}

/// <summary>JSON and JSON-lines formats: configs, tokenizer files, question and answer files, benchmarks, run files, notebooks.</summary>
public sealed class FuzzTextFormatsTests(ITestOutputHelper output) : FuzzTestsBase(output)
{
    public static TheoryData<string> TextFormats => Formats(binary: false);

    [Theory]
    [MemberData(nameof(TextFormats))]
    public void Mutated_inputs_give_a_result_or_an_error_naming_the_file(string format) => Mutate(format);

    [Theory]
    [MemberData(nameof(TextFormats))]
    public void Every_saved_failing_input_is_handled(string format) => Replay(format);
}
