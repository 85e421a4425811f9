using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blink.Workbench.Data.Testbed;

namespace Blink.Workbench.Text;

/// <summary>
/// Word-level tokenizer of the synthetic testbed: lower-cased words (runs of letters and digits) and single
/// punctuation characters are tokens; the literal <c>&lt;image&gt;</c> is the image placeholder. Ids 0–4 are
/// <c>&lt;pad&gt;, &lt;s&gt;, &lt;/s&gt;, &lt;unk&gt;, &lt;image&gt;</c>, then the words in ordinal order, so the same
/// word list always gives the same ids. The vocabulary is tiny (≈60 words) because the testbed's language is closed.
/// </summary>
public sealed class WordTokenizer : ITextTokenizer
{
    public const string PadToken = "<pad>";
    public const string BosToken = "<s>";
    public const string EosToken = "</s>";
    public const string UnkToken = "<unk>";
    public const string ImageToken = "<image>";

    private const string FileType = "blink-word-tokenizer";
    private const int FileVersion = 1;

    public static IReadOnlyList<string> SpecialTokens { get; } = [PadToken, BosToken, EosToken, UnkToken, ImageToken];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Builds a tokenizer over <paramref name="words"/> (specials are added; duplicates and order do not matter).</summary>
    public WordTokenizer(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var vocabulary = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (string.IsNullOrWhiteSpace(word) || word.Any(char.IsWhiteSpace))
                throw new ArgumentException($"Vocabulary word '{word}' is empty or contains whitespace.", nameof(words));
            if (!SpecialTokens.Contains(word))
                vocabulary.Add(word.ToLowerInvariant());
        }
        _tokens = [.. SpecialTokens, .. vocabulary];
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _tokens.Length; i++)
            _ids[_tokens[i]] = i;
    }

    /// <summary>A tokenizer whose vocabulary is every token of <paramref name="texts"/>.</summary>
    public static WordTokenizer FromTexts(IEnumerable<string> texts) =>
        new(texts.SelectMany(t => SplitWords(t)).Where(t => t != ImageToken));

    public IReadOnlyList<string> Tokens => _tokens;
    public int VocabSize => _tokens.Length;
    public int PadId => 0;
    public int BosId => 1;
    public int EosId => 2;
    public int UnkId => 3;
    public int ImageTokenId => 4;

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    public int IdOf(string token) => _ids.TryGetValue(token, out var id) ? id : UnkId;

    public string TokenOf(int id) =>
        id >= 0 && id < _tokens.Length ? _tokens[id] : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token ids are 0–{_tokens.Length - 1}.");

    /// <summary>
    /// Splits text the way the tokenizer sees it: lower-cased; whitespace separates; each punctuation/symbol
    /// character is its own token; <c>&lt;image&gt;</c> stays one token.
    /// </summary>
    public static IReadOnlyList<string> SplitWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<string>();
        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length > 0)
            {
                result.Add(word.ToString());
                word.Clear();
            }
        }
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '<' && string.CompareOrdinal(text, i, ImageToken, 0, ImageToken.Length) == 0)
            {
                Flush();
                result.Add(ImageToken);
                i += ImageToken.Length - 1;
            }
            else if (char.IsLetterOrDigit(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
            }
            else
            {
                Flush();
                if (!char.IsWhiteSpace(ch) && !char.IsControl(ch))
                    result.Add(ch.ToString());
            }
        }
        Flush();
        return result;
    }

    public IReadOnlyList<int> Encode(string text, bool addBos)
    {
        var words = SplitWords(text);
        var ids = new List<int>(words.Count + 1);
        if (addBos)
            ids.Add(BosId);
        foreach (var w in words)
            ids.Add(w == ImageToken ? ImageTokenId : IdOf(w));
        return ids;
    }

    /// <summary>
    /// Joins tokens with single spaces, with no space before closing punctuation (<c>. , ? ! : ;</c>); BOS, EOS,
    /// PAD and image placeholders are skipped; unknown words come back as <c>&lt;unk&gt;</c>.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        foreach (var id in ids)
        {
            if (id == BosId || id == EosId || id == PadId || id == ImageTokenId)
                continue;
            var token = TokenOf(id);
            var attach = token.Length == 1 && ".,?!:;".Contains(token[0]);
            if (sb.Length > 0 && !attach)
                sb.Append(' ');
            sb.Append(token);
        }
        return sb.ToString();
    }

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["type"] = FileType,
            ["version"] = FileVersion,
            ["lowercase"] = true,
            ["tokens"] = new JsonArray(_tokens.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        };
        // Relaxed escaping keeps "<image>" readable in the file instead of "\u003Cimage\u003E".
        return json.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        File.WriteAllText(path, ToJson() + "\n", new UTF8Encoding(false));
    }

    /// <summary>Reads a tokenizer saved by <see cref="Save"/>; problems name the file and what is wrong.</summary>
    public static WordTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Tokenizer file '{path}' does not exist.", path);
        return FromJson(File.ReadAllText(path), path);
    }

    public static WordTokenizer FromJson(string json, string source = "<json>")
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Tokenizer file '{source}' is not valid JSON: {e.Message}", e);
        }
        if (root is not JsonObject obj || StringOrNull(obj["type"]) != FileType)
            throw new InvalidDataException($"Tokenizer file '{source}' is not a {FileType} file (missing \"type\": \"{FileType}\").");
        int? version = obj["version"] is JsonValue v && v.TryGetValue(out int number) ? number : null;
        if (version != FileVersion)
            throw new InvalidDataException($"Tokenizer file '{source}' has version {version?.ToString(CultureInfo.InvariantCulture) ?? "none"}; this build reads version {FileVersion}.");
        if (obj["tokens"] is not JsonArray array)
            throw new InvalidDataException($"Tokenizer file '{source}' has no \"tokens\" array.");
        var tokens = array.Select((t, i) => StringOrNull(t)
            ?? throw new InvalidDataException($"Tokenizer file '{source}': tokens[{i}] is not a string.")).ToArray();
        for (var i = 0; i < SpecialTokens.Count; i++)
            if (tokens.Length <= i || tokens[i] != SpecialTokens[i])
                throw new InvalidDataException($"Tokenizer file '{source}': tokens[{i}] must be '{SpecialTokens[i]}'.");
        WordTokenizer tokenizer;
        try
        {
            tokenizer = new WordTokenizer(tokens.Skip(SpecialTokens.Count));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Tokenizer file '{source}': {e.Message}", e);
        }
        if (!tokenizer._tokens.SequenceEqual(tokens))
            throw new InvalidDataException(
                $"Tokenizer file '{source}': the words are not unique, lower-case and in ordinal order, so ids would change on load.");
        return tokenizer;
    }

    /// <summary>The string a node holds, or null for any other node (GetValue would throw on a number or an array).</summary>
    private static string? StringOrNull(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? s) ? s : null;
}
