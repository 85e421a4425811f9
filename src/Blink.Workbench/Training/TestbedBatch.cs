using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// A right-padded batch. Padding sits after each prompt, so the causal mask alone keeps it invisible to real tokens;
/// the image sits at the same place in every row because every prompt starts the same way.
/// </summary>
public sealed class TestbedBatch : IDisposable
{
    private TestbedBatch(Tensor pixels, Tensor ids, long[] lastPromptIndex, long[] answers, int padId)
    {
        Pixels = pixels;
        InputIds = ids;
        LastPromptIndex = lastPromptIndex;
        Answers = answers;
        PadId = padId;
    }

    public Tensor Pixels { get; }
    public Tensor InputIds { get; }
    /// <summary>Per row: the index of the last prompt token (whose logits predict the answer).</summary>
    public long[] LastPromptIndex { get; }
    public long[] Answers { get; }
    public int PadId { get; }
    public int Size => Answers.Length;

    /// <param name="withAnswer">Append "answer &lt;/s&gt;" to each prompt (teacher forcing for training).</param>
    public static TestbedBatch Create(IReadOnlyList<TestbedExample> examples, int padId, int eosId, bool withAnswer, Device device)
    {
        var lengths = examples.Select(e => e.PromptIds.Length + (withAnswer ? 2 : 0)).ToArray();
        var t = lengths.Max();
        var ids = new long[examples.Count * t];
        Array.Fill(ids, padId);
        var last = new long[examples.Count];
        var answers = new long[examples.Count];
        var pixelSize = examples[0].Pixels.Length;
        var pixels = new float[examples.Count * pixelSize];
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            Array.Copy(e.PromptIds, 0, ids, i * t, e.PromptIds.Length);
            if (withAnswer)
            {
                ids[i * t + e.PromptIds.Length] = e.AnswerId;
                ids[i * t + e.PromptIds.Length + 1] = eosId;
            }
            last[i] = e.PromptIds.Length - 1;
            answers[i] = e.AnswerId;
            Array.Copy(e.Pixels, 0, pixels, i * pixelSize, pixelSize);
        }
        var side = (long)Math.Sqrt(pixelSize / 3);
        return new TestbedBatch(
            torch.tensor(pixels, [examples.Count, 3, side, side], device: device),
            torch.tensor(ids, [examples.Count, t], device: device),
            last, answers, padId);
    }

    public void Dispose()
    {
        Pixels.Dispose();
        InputIds.Dispose();
    }
}
