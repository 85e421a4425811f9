using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Tests.Imaging;
using Blink.Workbench.Text;

namespace Blink.Workbench.Tests.Text;

public class WordTokenizerTests
{
    private static readonly WordTokenizer Tokenizer = Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer();

    [Fact]
    public void Special_tokens_have_fixed_ids()
    {
        Assert.Equal(["<pad>", "<s>", "</s>", "<unk>", "<image>"], Tokenizer.Tokens.Take(5));
        Assert.Equal((0, 1, 2, 3, 4), (Tokenizer.PadId, Tokenizer.BosId, Tokenizer.EosId, Tokenizer.UnkId, Tokenizer.ImageTokenId));
    }

    [Fact]
    public void Vocabulary_is_deterministic_and_covers_prompt_words()
    {
        Assert.Equal(Tokenizer.Tokens, Blink.Workbench.Data.Testbed.TestbedVocabulary.Tokenizer().Tokens);
        foreach (var w in new[] { "user", "assistant", ":", "answer", "phrase", ".", "?", "crosses", "quadrant", "7", "yes" })
            Assert.True(Tokenizer.TryGetId(w, out _), $"'{w}' is missing");
        var words = Tokenizer.Tokens.Skip(5).ToArray();
        Assert.Equal(words.Order(StringComparer.Ordinal), words);
        Assert.InRange(Tokenizer.VocabSize, 40, 120);
    }

    [Fact]
    public void The_embedded_models_tokenizer_is_the_testbed_vocabulary()
    {
        // A new template word would change every id after it and silently break the committed model.
        var committed = Path.Combine(Path.GetDirectoryName(Blink.Workbench.Tests.IO.FixturePaths.LlavaTinyHf)!, "..", "..", "data", "models", "tiny-testbed", "word_tokenizer.json");
        Assert.Equal(WordTokenizer.Load(committed).Tokens, Tokenizer.Tokens);
    }

    [Fact]
    public void Every_question_form_encodes_without_unknowns()
    {
        var forms = new[] { new TestbedOptions(), new TestbedOptions { Categories = ["position"], PositionForm = TestbedVocabulary.PositionWhichColor } };
        foreach (var options in forms)
            foreach (var sample in new TestbedGenerator(options).Generate(TestbedSplit.Val, 0, 24))
            {
                using (sample)
                {
                    var prompt = $"USER: <image>\n{sample.Question.Text} ASSISTANT: {sample.Question.Answer}";
                    Assert.DoesNotContain(Tokenizer.UnkId, Tokenizer.Encode(prompt, addBos: true));
                }
            }
    }

    [Fact]
    public void Every_generated_question_and_answer_encodes_without_unknowns()
    {
        foreach (var sample in new TestbedGenerator().Generate(TestbedSplit.Train, 0, 36))
        {
            using (sample)
            {
                var prompt = $"USER: <image>\n{sample.Question.Text} ASSISTANT: {sample.Question.Answer}";
                Assert.DoesNotContain(Tokenizer.UnkId, Tokenizer.Encode(prompt, addBos: true));
            }
        }
    }

    [Fact]
    public void Encode_decode_round_trip()
    {
        const string text = "USER: <image>\nIs the small red circle to the left of the small blue star?\nAnswer the question using a single word or phrase. ASSISTANT: yes";
        var ids = Tokenizer.Encode(text, addBos: true);
        Assert.Equal(Tokenizer.BosId, ids[0]);
        Assert.Single(ids, Tokenizer.ImageTokenId);
        Assert.Equal(Tokenizer.ImageTokenId, ids[3]); // <s> user : <image>
        Assert.Equal(
            "user: is the small red circle to the left of the small blue star? answer the question using a single word or phrase. assistant: yes",
            Tokenizer.Decode(ids));
        // Decoded text encodes to the same ids (minus BOS and the skipped image token).
        Assert.Equal(ids.Where(i => i != Tokenizer.BosId && i != Tokenizer.ImageTokenId), Tokenizer.Encode(Tokenizer.Decode(ids), addBos: false));
    }

    [Fact]
    public void Two_image_placeholders_and_unknown_words()
    {
        var ids = Tokenizer.Encode("<image><image> what zebra", addBos: false);
        Assert.Equal([4, 4, Tokenizer.IdOf("what"), Tokenizer.UnkId], ids);
        Assert.Equal("what <unk>", Tokenizer.Decode(ids));
    }

    [Fact]
    public void Save_and_load_round_trip_and_bad_files_are_named()
    {
        var dir = ImageFixtures.TempDir();
        var path = Path.Combine(dir, "vocab.json");
        Tokenizer.Save(path);
        var loaded = WordTokenizer.Load(path);
        Assert.Equal(Tokenizer.Tokens, loaded.Tokens);

        var bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, File.ReadAllText(path).Replace("\"<unk>\"", "\"<oops>\""));
        var e = Assert.Throws<InvalidDataException>(() => WordTokenizer.Load(bad));
        Assert.Contains(bad, e.Message);
        Assert.Contains("tokens[3]", e.Message);

        File.WriteAllText(bad, "{\"type\":\"something-else\"}");
        Assert.Contains(bad, Assert.Throws<InvalidDataException>(() => WordTokenizer.Load(bad)).Message);
    }
}
