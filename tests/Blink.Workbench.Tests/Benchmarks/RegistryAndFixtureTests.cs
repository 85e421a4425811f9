using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Evaluation.Benchmarks.Fixtures;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Tests.Benchmarks;

public class RegistryAndFixtureTests(FixtureFolder fixtures) : IClassFixture<FixtureFolder>
{
    [Fact]
    public void Registry_lists_every_benchmark_and_explains_unknown_names()
    {
        Assert.Equal(["gqa", "mm-vet", "mmbench", "mmbench-cn", "mme", "pope", "scienceqa-img", "testbed"], BenchmarkRegistry.Default.Names);
        Assert.Same(BenchmarkRegistry.Default.Get("pope"), BenchmarkRegistry.Default.Get("POPE"));
        var e = Assert.Throws<KeyNotFoundException>(() => BenchmarkRegistry.Default.Get("vqav2"));
        Assert.Contains("known: gqa, mm-vet", e.Message);
    }

    [Fact]
    public void Every_registered_benchmark_reads_its_fixture_and_scores_perfect_answers()
    {
        Assert.Equal(BenchmarkRegistry.Default.Names.Order(), fixtures.Set.DataDirectories.Keys.Order());
        foreach (IBenchmark benchmark in BenchmarkRegistry.Default.All)
        {
            var items = fixtures.Load(benchmark.Name);
            Assert.InRange(items.Count, 12, 60);
            Assert.Equal(items.Count, items.Select(i => i.Id).Distinct().Count());
            using (var bitmap = items[^1].Image.Decode())
                Assert.True(bitmap.Width > 0);
            var answers = items.Select(i => FixtureFolder.Answer(i, i.GroundTruth ?? "")).ToList();
            BenchmarkScore score = benchmark.Score(items, answers);
            Assert.Equal(0, score.Missing);
            Assert.All(score.Outcomes, o => Assert.True(o.Correct, $"{benchmark.Name} {o.Key}"));
            Assert.NotEmpty(benchmark.WriteOfficialFiles(items, answers, Path.Combine(fixtures.Root, "out-all", benchmark.Name), "exp"));
        }
    }

    [Fact]
    public void Fixture_answers_are_true_of_the_drawn_images()
    {
        // The POPE label says whether the named shape's colour appears; check the pixel colours agree.
        foreach (BenchmarkItem item in fixtures.Load("pope").Take(12))
        {
            using var bitmap = item.Image.Decode();
            string color = item.Question.Split(' ')[3];
            var pixels = Enumerable.Range(0, 64).SelectMany(y => Enumerable.Range(0, 64).Select(x => bitmap.GetPixel(x, y)));
            bool colorPresent = pixels.Any(p => Classify(p) == color);
            if (item.GroundTruth == "yes")
                Assert.True(colorPresent, $"{item.Id}: {item.Question}");
        }
    }

    [Fact]
    public void Same_seed_writes_identical_files()
    {
        string a = Path.Combine(fixtures.Root, "seed-a"), b = Path.Combine(fixtures.Root, "seed-b");
        BenchmarkFixtureWriter.Write(a, seed: 3);
        BenchmarkFixtureWriter.Write(b, seed: 3);
        var filesA = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order().ToList();
        Assert.Equal(filesA, Directory.GetFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order());
        Assert.All(filesA, f => Assert.Equal(File.ReadAllBytes(Path.Combine(a, f)), File.ReadAllBytes(Path.Combine(b, f))));
    }

    [Fact]
    public void Items_convert_to_question_files_that_validate()
    {
        var items = fixtures.Load("gqa");
        string path = Path.Combine(fixtures.Root, "q-gqa", "questions.jsonl");
        QuestionFile.Write(path, items.Select(i => i.ToQuestionRecord()));
        var records = QuestionFile.Read(path);
        Assert.Empty(QuestionFile.CheckImages(path, records, Path.Combine(fixtures.Dir("gqa"), "images"), decode: true));
        Assert.Throws<InvalidOperationException>(() => fixtures.Load("mmbench")[0].ToQuestionRecord());
    }

    private static string? Classify(SkiaSharp.SKColor p) => (p.Red, p.Green, p.Blue) switch
    {
        (220, 30, 30) => "red",
        (30, 170, 60) => "green",
        (30, 60, 220) => "blue",
        (240, 210, 20) => "yellow",
        _ => null,
    };
}
