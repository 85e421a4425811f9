using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation.Benchmarks.Fixtures;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

/// <summary>The fixture set written once per test class.</summary>
public sealed class FixtureFolder : IDisposable
{
    public FixtureFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "blink-bench-fixtures", Guid.NewGuid().ToString("N"));
        Set = BenchmarkFixtureWriter.Write(Root, seed: 11);
    }

    public string Root { get; }
    public BenchmarkFixtureSet Set { get; }

    public string Dir(string benchmark) => Set.DataDirectories[benchmark];

    public IReadOnlyList<BenchmarkItem> Load(string benchmark) =>
        BenchmarkRegistry.Default.Get(benchmark).Load(Dir(benchmark));

    /// <summary>An answer record as a run would write it.</summary>
    public static AnswerRecord Answer(BenchmarkItem item, string text, int line = 0) => new()
    {
        QuestionId = item.Id, Prompt = item.Prompt, Text = text, ModelId = "test", LineNumber = line,
    };

    /// <summary>Copies a fixture folder so a test can break it without affecting others.</summary>
    public string CopyOf(string benchmark)
    {
        string source = Dir(benchmark);
        string target = Path.Combine(Root, "copies", benchmark + "-" + Guid.NewGuid().ToString("N"));
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
