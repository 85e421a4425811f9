using System.Text.Json;
using Blink.Workbench.Text;

namespace Blink.Workbench.Tests.IO;

/// <summary>The C# tokenizer reproduces the ids Hugging Face's slow LlamaTokenizer gives (golden ids from Python).</summary>
public sealed class LlamaSentencePieceTokenizerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (string Text, int[] Ids, int[] Legacy, int[] NoBos)[] Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.LlavaTinyHfGolden, "tokenizer_cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => (
            c.GetProperty("text").GetString()!,
            c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("ids_legacy").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("ids_no_bos").EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToArray();
    }

    [Fact]
    public void FromPretrainedReadsIdsAndFlagsFromTheLlavaHfFiles()
    {
        var tokenizer = LlamaSentencePieceTokenizer.FromPretrained(FixturePaths.LlavaTinyHf);

        Assert.Equal(512, tokenizer.ImageTokenId);
        Assert.Equal(513, tokenizer.PadId);
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Equal(512, tokenizer.PieceCount);
        Assert.Equal(514, tokenizer.VocabSize);
        Assert.False(tokenizer.Legacy);
    }

    [Fact]
    public void ReproducesTheGoldenIdsOfHuggingFacesSlowTokenizer()
    {
        var tokenizer = LlamaSentencePieceTokenizer.FromPretrained(FixturePaths.LlavaTinyHf);
        var cases = Cases();
        Assert.True(cases.Length >= 8);
        foreach (var (text, ids, _, noBos) in cases)
        {
            Assert.True(ids.SequenceEqual(tokenizer.Encode(text, addBos: true)),
                $"{JsonSerializer.Serialize(text)}: expected [{string.Join(",", ids)}], got [{string.Join(",", tokenizer.Encode(text, true))}]");
            Assert.Equal(noBos, tokenizer.Encode(text, addBos: false));
        }
    }

    [Fact]
    public void LegacyModeGivesEveryChunkItsPrefixSpaceLikeHuggingFace()
    {
        var legacy = CreateFromFixture(legacy: true);
        foreach (var (text, _, ids, _) in Cases())
        {
            Assert.True(ids.SequenceEqual(legacy.Encode(text, addBos: true)),
                $"{JsonSerializer.Serialize(text)}: expected [{string.Join(",", ids)}], got [{string.Join(",", legacy.Encode(text, true))}]");
        }
    }

    [Fact]
    public void ImagePlaceholderIsOneIdAndTheExpandedPromptMatchesTheGoldenInputIds()
    {
        var tokenizer = LlamaSentencePieceTokenizer.FromPretrained(FixturePaths.LlavaTinyHf);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.LlavaTinyHfGolden, "reference.json")));
        var prompt = summary.RootElement.GetProperty("prompt").GetString()!;
        var imageTokens = summary.RootElement.GetProperty("image_tokens").GetInt32();
        var golden = summary.RootElement.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        var ids = tokenizer.Encode(prompt, addBos: true);
        Assert.Single(ids, id => id == tokenizer.ImageTokenId);
        var expanded = ids.SelectMany(id => id == tokenizer.ImageTokenId ? Enumerable.Repeat(id, imageTokens) : [id]).ToArray();

        Assert.Equal(golden, expanded);
        Assert.Equal(golden, tokenizer.Encode(prompt.Replace("<image>", string.Concat(Enumerable.Repeat("<image>", imageTokens))), addBos: true));
    }

    [Fact]
    public void DecodeSkipsSpecialAndPaddedIdsAndInvertsEncode()
    {
        var tokenizer = LlamaSentencePieceTokenizer.FromPretrained(FixturePaths.LlavaTinyHf);
        const string text = "There are 1234 apples, ünïcødé café 🙂.";
        var ids = tokenizer.Encode(text, addBos: true).Concat([tokenizer.ImageTokenId, tokenizer.PadId, 575, tokenizer.EosId]);

        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void TokenizerWithoutImageTokenIsRefusedNamingTheFile()
    {
        var folder = _temp.File("no-image");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(FixturePaths.LlavaTinyHf, "tokenizer.model"), Path.Combine(folder, "tokenizer.model"));
        File.WriteAllText(Path.Combine(folder, "added_tokens.json"), """{"<pad>": 512}""");

        var error = Assert.Throws<TokenizerFormatException>(() => LlamaSentencePieceTokenizer.FromPretrained(folder));

        Assert.Equal(
            $"{Path.Combine(folder, "tokenizer.model")}: the tokenizer has no '<image>' token (looked in {Path.Combine(folder, "added_tokens.json")}). " +
            "LLaVA prompts need it; a llava-hf checkpoint declares it in added_tokens.json (original liuhaotian checkpoints do not: convert them first).",
            error.Message);
    }

    [Fact]
    public void ContradictoryImageIdsAreRefusedNamingBothFiles()
    {
        var folder = _temp.File("conflict");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(FixturePaths.LlavaTinyHf, "tokenizer.model"), Path.Combine(folder, "tokenizer.model"));
        File.WriteAllText(Path.Combine(folder, "added_tokens.json"), """{"<image>": 512, "<pad>": 513}""");
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"image_token_index": 32000}""");

        var error = Assert.Throws<TokenizerFormatException>(() => LlamaSentencePieceTokenizer.FromPretrained(folder));

        Assert.Equal($"{Path.Combine(folder, "config.json")} says image_token_index = 32000, but {Path.Combine(folder, "added_tokens.json")} gives '<image>' id 512", error.Message);
    }

    [Fact]
    public void AddedTokenThatCollidesWithAPieceIsRefused()
    {
        using var model = File.OpenRead(Path.Combine(FixturePaths.LlavaTinyHf, "tokenizer.model"));
        var error = Assert.Throws<TokenizerFormatException>(() =>
            LlamaSentencePieceTokenizer.Create(model, new Dictionary<string, int> { ["<image>"] = 100 }, padId: 0, legacy: false, source: "m"));
        Assert.Equal("m: added token '<image>' has id 100, which is a SentencePiece piece id (pieces are 0..511)", error.Message);
    }

    private static LlamaSentencePieceTokenizer CreateFromFixture(bool legacy)
    {
        using var model = File.OpenRead(Path.Combine(FixturePaths.LlavaTinyHf, "tokenizer.model"));
        return LlamaSentencePieceTokenizer.Create(model, new Dictionary<string, int> { ["<image>"] = 512, ["<pad>"] = 513 }, padId: 513, legacy);
    }
}
