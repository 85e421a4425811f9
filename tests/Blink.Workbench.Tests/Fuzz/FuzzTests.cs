using Xunit.Abstractions;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>
/// Every input format under mutation (truncations, bit flips, byte inserts and deletes, extreme integers, JSON values
/// replaced by extremes or wrong types, image headers with extreme dimensions): a valid result or the format's own
/// error naming the file, nothing else. CI runs 2,000 cases per format from a fixed seed; eng/fuzz.sh runs longer.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Formats => new(FuzzFormats.All.Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutated_inputs_give_a_result_or_an_error_naming_the_file(string format) =>
        FuzzHarness.Run(FuzzFormats.Get(format), line => output.WriteLine("format\tcases\tseed\twall s\tcpu s\tresult\n" + line));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_saved_failing_input_is_handled(string format)
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
