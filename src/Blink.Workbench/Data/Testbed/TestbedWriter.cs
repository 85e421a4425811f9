using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// Writes a split to disk in LLaVA's evaluation layout:
/// <c>&lt;folder&gt;/questions.jsonl</c> (one <see cref="TestbedQuestion"/> per line), <c>&lt;folder&gt;/scenes.jsonl</c>
/// (the matching <see cref="TestbedScene"/>s) and <c>&lt;folder&gt;/images/&lt;name&gt;.png</c>; the question file's
/// <c>image</c> field is relative to the images folder, as LLaVA's <c>--image-folder</c> expects.
/// </summary>
public static class TestbedWriter
{
    public const string QuestionsFile = "questions.jsonl";
    public const string ScenesFile = "scenes.jsonl";
    public const string ImagesFolder = "images";

    public const string TokenizerFile = "vocab.json";
    public const string OptionsFile = "options.json";

    /// <summary>
    /// Writes a whole dataset: <c>&lt;folder&gt;/{train,val,test}/</c> (see <see cref="WriteSplit"/>), the word
    /// tokenizer (<c>vocab.json</c>) and the generator options (<c>options.json</c>, so the folder says how it was made).
    /// </summary>
    public static IReadOnlyList<TestbedWriteSummary> WriteDataset(TestbedGenerator generator, string folder, int trainCount, int valCount, int testCount,
        IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        TestbedVocabulary.Tokenizer().Save(Path.Combine(folder, TokenizerFile));
        TestbedOptionsFile.Save(generator.Options, Path.Combine(folder, OptionsFile));
        return
        [
            WriteSplit(generator, TestbedSplit.Train, trainCount, Path.Combine(folder, TestbedSplit.Train.Name()), progress: progress),
            WriteSplit(generator, TestbedSplit.Val, valCount, Path.Combine(folder, TestbedSplit.Val.Name()), progress: progress),
            WriteSplit(generator, TestbedSplit.Test, testCount, Path.Combine(folder, TestbedSplit.Test.Name()), progress: progress),
        ];
    }

    /// <summary>Generates samples <c>[start, start + count)</c> of <paramref name="split"/> into <paramref name="folder"/>.</summary>
    /// <param name="progress">After each sample: the split's name, samples written, samples to write.</param>
    public static TestbedWriteSummary WriteSplit(TestbedGenerator generator, TestbedSplit split, int count, string folder, int start = 0,
        IProgress<(string Split, int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative.");
        var images = Path.Combine(folder, ImagesFolder);
        Directory.CreateDirectory(images);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var stopwatch = Stopwatch.StartNew();
        using var questions = new StreamWriter(Path.Combine(folder, QuestionsFile), false, utf8) { NewLine = "\n" };
        using var scenes = new StreamWriter(Path.Combine(folder, ScenesFile), false, utf8) { NewLine = "\n" };
        var written = 0;
        foreach (var sample in generator.Generate(split, start, count))
        {
            using (sample)
            {
                File.WriteAllBytes(Path.Combine(images, sample.Question.Image), sample.EncodePng());
                questions.WriteLine(JsonSerializer.Serialize(sample.Question, TestbedJson.Lines));
                scenes.WriteLine(JsonSerializer.Serialize(sample.Scene, TestbedJson.Lines));
            }
            progress?.Report((split.Name(), ++written, count));
        }
        return new TestbedWriteSummary(folder, Path.Combine(folder, QuestionsFile), images, count, stopwatch.Elapsed);
    }
}

/// <summary>What <see cref="TestbedWriter.WriteSplit"/> wrote and how long it took.</summary>
public sealed record TestbedWriteSummary(string Folder, string QuestionsPath, string ImagesFolder, int Count, TimeSpan Elapsed)
{
    public double ImagesPerSecond => Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
