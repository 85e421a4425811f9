using Blink.Workbench.Data.Testbed;
using SkiaSharp;

namespace Blink.Workbench.Training;

/// <summary>One image + question to extract TokenSR teacher/student pairs (or ρ samples) from.</summary>
public sealed class TokenSRSample(string id, SKBitmap image, string question, IDisposable? owner = null) : IDisposable
{
    public string Id { get; } = id;

    /// <summary>The original (high-resolution) image the teacher crops from.</summary>
    public SKBitmap Image { get; } = image;

    /// <summary>The question as it goes into the prompt template.</summary>
    public string Question { get; } = question;

    public void Dispose() => (owner ?? Image).Dispose();
}

/// <summary>
/// An indexable, deterministic list of samples. <see cref="Description"/> names the data exactly (source, split,
/// seed, range) because it is part of the feature-cache key: a different source must never reuse old features.
/// </summary>
public interface ITokenSRDataSource
{
    int Count { get; }
    string Description { get; }
    TokenSRSample Get(int index);
}

/// <summary>Samples <c>start .. start+count−1</c> of one testbed split (rendered on demand, pure function of the index).</summary>
public sealed class TestbedTokenSRSource : ITokenSRDataSource
{
    private readonly TestbedGenerator _generator;
    private readonly TestbedSplit _split;
    private readonly int _start;

    public TestbedTokenSRSource(TestbedGenerator generator, TestbedSplit split, int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _generator = generator;
        _split = split;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public string Description
    {
        get
        {
            var o = _generator.Options;
            // Every option that changes what a scene looks like or asks belongs in the description.
            return $"testbed:{_split.Name()}:start={_start}:count={Count}:seed={o.Seed}:input={o.InputSize}:render={o.RenderScale}:options={OptionsHash(o)}";
        }
    }

    private static string OptionsHash(TestbedOptions o)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(o);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)))[..16].ToLowerInvariant();
    }

    public TokenSRSample Get(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {Count}).");
        var sample = _generator.Generate(_split, _start + index);
        return new TokenSRSample(sample.Question.QuestionId, sample.Image, sample.Question.Text, sample);
    }
}
