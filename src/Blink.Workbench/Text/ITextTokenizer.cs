namespace Blink.Workbench.Text;

/// <summary>
/// The tokenizer contract the model, the prompts and the evaluator share: the testbed's word-level tokenizer and the
/// SentencePiece tokenizer of real LLaVA checkpoints both implement it.
/// </summary>
public interface ITextTokenizer
{
    int VocabSize { get; }
    int BosId { get; }
    int EosId { get; }
    int PadId { get; }
    /// <summary>Id of the single <c>&lt;image&gt;</c> placeholder; the prompt builder expands it to one id per image token.</summary>
    int ImageTokenId { get; }

    /// <summary>Encodes text; every literal <c>&lt;image&gt;</c> becomes exactly one <see cref="ImageTokenId"/>.</summary>
    IReadOnlyList<int> Encode(string text, bool addBos);

    /// <summary>Decodes ids to text, skipping BOS/EOS/PAD and image placeholders.</summary>
    string Decode(IEnumerable<int> ids);
}
