using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Blink.Workbench.Text;

/// <summary>
/// The SentencePiece tokenizer of LLaMA/Vicuna-based LLaVA checkpoints (llava-hf layout), over Microsoft.ML.Tokenizers'
/// <see cref="LlamaTokenizer"/>, with <c>&lt;image&gt;</c> and <c>&lt;pad&gt;</c> as added special tokens.
/// </summary>
/// <remarks>
/// Encoding reproduces Hugging Face's slow <c>LlamaTokenizer</c>: the text is split on the added tokens (each becomes
/// one id, no whitespace is stripped next to them) and each text chunk is encoded by SentencePiece on its own. With
/// <c>legacy: false</c> (llava-hf's <c>tokenizer_config.json</c>) only the very start of the text gets
/// SentencePiece's dummy-prefix space, so text right after <c>&lt;image&gt;</c> is encoded without one; with
/// <c>legacy: true</c> (Hugging Face's default when the flag is absent) every chunk gets it. The normalisation
/// (prefix space, spaces as "▁") is done here, so the underlying tokenizer only runs the BPE and byte fallback.
/// </remarks>
public sealed class LlamaSentencePieceTokenizer : ITextTokenizer
{
    public const string ImageToken = "<image>";
    public const string PadToken = "<pad>";
    private const char SpaceMarker = '\u2581';

    private readonly LlamaTokenizer _sentencePiece;
    private readonly Dictionary<string, int> _addedTokens;
    private readonly Regex _splitter;
    private readonly HashSet<int> _skipOnDecode;

    private LlamaSentencePieceTokenizer(LlamaTokenizer sentencePiece, int pieceCount, Dictionary<string, int> addedTokens, int imageId, int padId, bool legacy)
    {
        _sentencePiece = sentencePiece;
        PieceCount = pieceCount;
        _addedTokens = addedTokens;
        ImageTokenId = imageId;
        PadId = padId;
        Legacy = legacy;
        BosId = sentencePiece.BeginningOfSentenceId;
        EosId = sentencePiece.EndOfSentenceId;
        // Specials, plus SentencePiece's own control tokens, split the text wherever they appear literally, longest first.
        var splitOn = addedTokens.Keys
            .Concat([sentencePiece.BeginningOfSentenceToken, sentencePiece.EndOfSentenceToken, sentencePiece.UnknownToken])
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .Select(Regex.Escape);
        _splitter = new Regex("(" + string.Join("|", splitOn) + ")", RegexOptions.CultureInvariant);
        _skipOnDecode = [BosId, EosId, PadId, ImageTokenId];
        VocabSize = Math.Max(pieceCount, addedTokens.Values.DefaultIfEmpty(0).Max() + 1);
    }

    /// <summary>Number of ids the tokenizer can produce (SentencePiece pieces plus added tokens). The model's embedding
    /// may be larger (llava-hf pads it to a multiple of 64).</summary>
    public int VocabSize { get; }

    /// <summary>Number of SentencePiece pieces (ids below this are pieces; added tokens sit above).</summary>
    public int PieceCount { get; }

    public int BosId { get; }

    public int EosId { get; }

    public int PadId { get; }

    public int ImageTokenId { get; }

    /// <summary>Hugging Face's <c>legacy</c> flag (see the class remarks).</summary>
    public bool Legacy { get; }

    /// <summary>Added tokens (content → id), e.g. <c>&lt;image&gt;</c> and <c>&lt;pad&gt;</c>.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens => _addedTokens;

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public LlamaTokenizer SentencePiece => _sentencePiece;

    /// <summary>
    /// Loads <c>tokenizer.model</c> from a llava-hf checkpoint folder. Added-token ids come from
    /// <c>added_tokens.json</c>, <c>tokenizer_config.json</c> (<c>added_tokens_decoder</c>) and <c>tokenizer.json</c>
    /// (<c>added_tokens</c>), whichever exist; they must agree with each other and with <c>config.json</c>'s
    /// <c>image_token_index</c> / <c>pad_token_id</c>. The <c>legacy</c> flag comes from <c>tokenizer_config.json</c>.
    /// </summary>
    public static LlamaSentencePieceTokenizer FromPretrained(string folder)
    {
        var full = Path.GetFullPath(folder);
        var modelPath = Path.Combine(full, "tokenizer.model");
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"{modelPath}: SentencePiece model not found", modelPath);
        }
        var declared = new Dictionary<string, (int Id, string File)>(StringComparer.Ordinal);
        var sources = new List<string>();
        void Declare(string content, int id, string file)
        {
            if (declared.TryGetValue(content, out var existing) && existing.Id != id)
            {
                throw new TokenizerFormatException(
                    $"{file} gives '{content}' id {id}, but {existing.File} gives it id {existing.Id}");
            }
            declared[content] = (id, existing.File ?? file);
        }

        var addedTokensPath = Path.Combine(full, "added_tokens.json");
        if (File.Exists(addedTokensPath))
        {
            sources.Add(addedTokensPath);
            using var doc = ParseJson(addedTokensPath);
            foreach (var item in doc.RootElement.EnumerateObject())
            {
                Declare(item.Name, ReadInt(item.Value, addedTokensPath, item.Name), addedTokensPath);
            }
        }
        var configPath = Path.Combine(full, "tokenizer_config.json");
        bool legacy = true; // Hugging Face's default when the flag is absent
        if (File.Exists(configPath))
        {
            sources.Add(configPath);
            using var doc = ParseJson(configPath);
            if (doc.RootElement.TryGetProperty("legacy", out var legacyElement) && legacyElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                legacy = legacyElement.GetBoolean();
            }
            if (doc.RootElement.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
            {
                foreach (var item in decoder.EnumerateObject())
                {
                    if (!int.TryParse(item.Name, out var id) || item.Value.ValueKind != JsonValueKind.Object || !item.Value.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                    {
                        throw new TokenizerFormatException($"{configPath}: added_tokens_decoder entry '{item.Name}' is not \"id\": {{\"content\": ...}}");
                    }
                    Declare(content.GetString()!, id, configPath);
                }
            }
        }
        var tokenizerJsonPath = Path.Combine(full, "tokenizer.json");
        if (File.Exists(tokenizerJsonPath))
        {
            sources.Add(tokenizerJsonPath);
            using var doc = ParseJson(tokenizerJsonPath);
            if (doc.RootElement.TryGetProperty("added_tokens", out var addedArray) && addedArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in addedArray.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    {
                        Declare(content.GetString()!, ReadInt(id, tokenizerJsonPath, content.GetString()!), tokenizerJsonPath);
                    }
                }
            }
        }

        if (!declared.TryGetValue(ImageToken, out var image))
        {
            var looked = sources.Count == 0 ? "no added_tokens.json, tokenizer_config.json or tokenizer.json exists" : "looked in " + string.Join(", ", sources);
            throw new TokenizerFormatException(
                $"{modelPath}: the tokenizer has no '{ImageToken}' token ({looked}). LLaVA prompts need it; a llava-hf " +
                "checkpoint declares it in added_tokens.json (original liuhaotian checkpoints do not: convert them first).");
        }
        var modelConfigPath = Path.Combine(full, "config.json");
        int? configImage = null, configPad = null;
        if (File.Exists(modelConfigPath))
        {
            using var doc = ParseJson(modelConfigPath);
            if (doc.RootElement.TryGetProperty("image_token_index", out var imageIndex))
            {
                configImage = ReadInt(imageIndex, modelConfigPath, "image_token_index");
            }
            if (doc.RootElement.TryGetProperty("pad_token_id", out var padIndex) && padIndex.ValueKind == JsonValueKind.Number)
            {
                configPad = ReadInt(padIndex, modelConfigPath, "pad_token_id");
            }
        }
        if (configImage is { } ci && ci != image.Id)
        {
            throw new TokenizerFormatException(
                $"{modelConfigPath} says image_token_index = {ci}, but {image.File} gives '{ImageToken}' id {image.Id}");
        }
        int padId;
        if (declared.TryGetValue(PadToken, out var pad))
        {
            if (configPad is { } cp && cp != pad.Id)
            {
                throw new TokenizerFormatException($"{modelConfigPath} says pad_token_id = {cp}, but {pad.File} gives '{PadToken}' id {pad.Id}");
            }
            padId = pad.Id;
        }
        else
        {
            // No <pad>: the original LLaMA convention pads with <unk> (id 0) unless config.json says otherwise.
            padId = configPad ?? 0;
        }

        var added = declared.Where(kv => kv.Key is not ("<s>" or "</s>" or "<unk>")).ToDictionary(kv => kv.Key, kv => kv.Value.Id, StringComparer.Ordinal);
        using var stream = File.OpenRead(modelPath);
        try
        {
            return Create(stream, added, padId, legacy, modelPath);
        }
        catch (TokenizerFormatException e) when (sources.Count > 0)
        {
            // The added tokens came from these files; a clash with the model's pieces may be either side's fault.
            throw new TokenizerFormatException($"{e.Message} (added tokens from {string.Join(", ", sources)})");
        }
    }

    /// <summary>Creates a tokenizer from a SentencePiece model stream and added tokens (content → id).</summary>
    public static LlamaSentencePieceTokenizer Create(Stream model, IReadOnlyDictionary<string, int> addedTokens, int padId, bool legacy, string source = "tokenizer.model")
    {
        if (!addedTokens.TryGetValue(ImageToken, out var imageId))
        {
            throw new TokenizerFormatException($"{source}: the tokenizer has no '{ImageToken}' token among its added tokens");
        }
        LlamaTokenizer sentencePiece;
        try
        {
            sentencePiece = LlamaTokenizer.Create(model, addBeginOfSentence: true, addEndOfSentence: false,
                specialTokens: new Dictionary<string, int>(addedTokens, StringComparer.Ordinal));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TokenizerFormatException($"{source}: not a SentencePiece BPE model Microsoft.ML.Tokenizers can read ({e.Message})");
        }
        var pieceCount = sentencePiece.Vocabulary.Values.Where(id => !addedTokens.Values.Contains(id)).DefaultIfEmpty(-1).Max() + 1;
        foreach (var (content, id) in addedTokens)
        {
            if (id < pieceCount)
            {
                throw new TokenizerFormatException(
                    $"{source}: added token '{content}' has id {id}, which is a SentencePiece piece id (pieces are 0..{pieceCount - 1})");
            }
        }
        return new LlamaSentencePieceTokenizer(sentencePiece, pieceCount, new Dictionary<string, int>(addedTokens, StringComparer.Ordinal), imageId, padId, legacy);
    }

    public IReadOnlyList<int> Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 2 + 2);
        if (addBos)
        {
            ids.Add(BosId);
        }
        if (text.Length == 0)
        {
            return ids;
        }
        var first = true;
        foreach (var part in _splitter.Split(text))
        {
            if (part.Length == 0)
            {
                // An empty first chunk means the text starts with a special token: no prefix space is emitted then
                // (Hugging Face drops the lone "▁" it would have produced).
                first = false;
                continue;
            }
            if (TryGetSpecialId(part, out var specialId))
            {
                ids.Add(specialId);
                first = false;
                continue;
            }
            var prefix = Legacy || first ? SpaceMarker.ToString() : "";
            var normalized = prefix + part.Replace(' ', SpaceMarker);
            ids.AddRange(_sentencePiece.EncodeToIds(normalized, addBeginningOfSentence: false, addEndOfSentence: false,
                considerPreTokenization: false, considerNormalization: false));
            first = false;
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // Added tokens and ids beyond the pieces (llava-hf's padded embedding rows) carry no text.
        var pieces = ids.Where(id => id >= 0 && id < PieceCount && !_skipOnDecode.Contains(id)).ToList();
        return _sentencePiece.Decode(pieces, considerSpecialTokens: false) ?? "";
    }

    private bool TryGetSpecialId(string part, out int id)
    {
        if (_addedTokens.TryGetValue(part, out id))
        {
            return true;
        }
        if (part == _sentencePiece.BeginningOfSentenceToken) { id = BosId; return true; }
        if (part == _sentencePiece.EndOfSentenceToken) { id = EosId; return true; }
        if (part == _sentencePiece.UnknownToken) { id = _sentencePiece.UnknownId; return true; }
        return false;
    }

    private static JsonDocument ParseJson(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
        // Every tokenizer file is an object; reading properties of anything else would throw far from the file name.
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind;
            doc.Dispose();
            throw new TokenizerFormatException($"{path}: expected a JSON object, found {kind}");
        }
        return doc;
    }

    private static int ReadInt(JsonElement value, string file, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var id)
            ? id
            : throw new TokenizerFormatException($"{file}: '{name}' must be an integer id, found {value.GetRawText()}");
}
