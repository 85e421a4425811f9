using Blink.Workbench.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// Answers closed-set testbed questions in batches: the answer is the candidate with the highest next-token logit
/// after the prompt (every testbed answer is a single token). Vanilla inference only — interventions run one sample at
/// a time through the method runner.
/// </summary>
public static class ClosedSetPredictor
{
    /// <returns>The predicted token id per example.</returns>
    public static int[] Predict(LlavaForConditionalGeneration model, IReadOnlyList<TestbedExample> examples, int padId, int eosId, int batchSize = 64)
    {
        var predictions = new int[examples.Count];
        using var noGrad = torch.no_grad();
        for (var start = 0; start < examples.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = examples.Skip(start).Take(batchSize).ToArray();
            using var batch = TestbedBatch.Create(chunk, padId, eosId, withAnswer: false, model.Device);
            var logits = model.forward(new LlavaInput(batch.InputIds, batch.Pixels, Logits: LogitsMode.All)).Logits;
            var rows = TensorMath.Arange(chunk.Length, ScalarType.Int64, logits.device);
            var last = torch.tensor(batch.LastPromptIndex, device: logits.device);
            var next = logits[rows, last].cpu(); // [B, V]
            for (var i = 0; i < chunk.Length; i++)
                predictions[start + i] = BestChoice(next[i], chunk[i].ChoiceIds);
        }
        return predictions;
    }

    /// <summary>The candidate token with the highest logit in <paramref name="next"/> ([V]); the first on a tie.</summary>
    public static int BestChoice(Tensor next, IReadOnlyList<int> choices)
    {
        var best = choices[0];
        var bestScore = float.NegativeInfinity;
        foreach (var c in choices)
        {
            var s = next[c].item<float>();
            if (s > bestScore) { bestScore = s; best = c; }
        }
        return best;
    }

    /// <summary>Accuracy overall and per category.</summary>
    public static (double Overall, IReadOnlyDictionary<string, double> PerCategory) Accuracy(IReadOnlyList<TestbedExample> examples, int[] predictions)
    {
        var correct = examples.Select((e, i) => predictions[i] == e.AnswerId).ToArray();
        var per = examples.Select((e, i) => (e.Category, correct[i])).GroupBy(x => x.Category)
            .ToDictionary(g => g.Key, g => g.Average(x => x.Item2 ? 1.0 : 0.0));
        return (correct.Average(c => c ? 1.0 : 0.0), per);
    }
}
