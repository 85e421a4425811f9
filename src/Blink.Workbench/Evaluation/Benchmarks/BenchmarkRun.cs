using System.Diagnostics;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>What the model side returns for one item: the answer text and any metadata (tokens, method details).</summary>
public sealed record ModelAnswer(string Text, JsonObject? Metadata = null);

/// <summary>
/// The loop around inference: take this shard's items (LLaVA <c>--num-chunks/--chunk-idx</c> rule), skip the ones the
/// answer file already has, ask the model for the rest and append each answer as soon as it exists. The model is
/// just a delegate, so this stays free of any model code.
/// </summary>
public static class BenchmarkRun
{
    /// <summary>Answers the shard's unanswered items; returns how many were answered in this call.</summary>
    /// <param name="items">All items of the benchmark, in question order.</param>
    /// <param name="writer">The (possibly resumed) answer file.</param>
    /// <param name="answer">Model call: item → answer text (+ metadata). Wall time is added as <c>latency_ms</c>.</param>
    /// <param name="numChunks">Number of shards (1 = everything).</param>
    /// <param name="chunkIdx">Which shard this process answers.</param>
    /// <param name="progress">Receives (answered so far in the shard, shard size) after each item.</param>
    /// <param name="cancellationToken">Stops between items; what is written stays valid for resume.</param>
    public static int AnswerAll(IReadOnlyList<BenchmarkItem> items, AnswerFileWriter writer,
        Func<BenchmarkItem, ModelAnswer> answer, int numChunks = 1, int chunkIdx = 0,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<BenchmarkItem> shard = Chunking.GetChunk(items, numChunks, chunkIdx);
        int done = shard.Count(i => writer.AnsweredIds.Contains(i.Id));
        int answeredNow = 0;
        foreach (BenchmarkItem item in shard)
        {
            if (writer.AnsweredIds.Contains(item.Id))
                continue;
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            ModelAnswer result = answer(item);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var metadata = result.Metadata is null ? new JsonObject() : (JsonObject)result.Metadata.DeepClone();
            metadata["latency_ms"] ??= ms;
            var extras = new JsonObject();
            if (item.RoundId is { } round)
            {
                // MMBench answer lines carry these, as LLaVA's model_vqa_mmbench.py writes them.
                extras["round_id"] = round;
                extras["options"] = new JsonArray(item.Options!.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray());
                extras["option_char"] = new JsonArray(Prompts.OptionLetters.Take(item.Options!.Count)
                    .Select(o => (JsonNode?)JsonValue.Create(o)).ToArray());
            }
            writer.Append(item.Id, item.Prompt, result.Text, metadata, extras);
            answeredNow++;
            progress?.Report((++done, shard.Count));
        }
        return answeredNow;
    }
}
