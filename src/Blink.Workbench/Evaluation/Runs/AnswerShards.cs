using System.Globalization;
using System.Text.RegularExpressions;

namespace Blink.Workbench.Evaluation.Runs;

/// <summary>
/// Finds the shard answer files a sharded run left in <c>answers/</c> (<c>{method}.chunk{i}of{n}.jsonl</c>, see
/// <see cref="MethodEvaluator.AnswerPath"/>), so a merge can work out which methods ran and into how many chunks
/// without being told again.
/// </summary>
public static partial class AnswerShards
{
    [GeneratedRegex(@"^(?<method>.+)\.chunk(?<idx>\d+)of(?<n>\d+)\.jsonl$")]
    private static partial Regex ShardName();

    /// <summary>One method's shard files found on disk.</summary>
    public sealed record MethodShards(string Method, int NumChunks, IReadOnlyList<int> Present)
    {
        public IReadOnlyList<int> Missing => Enumerable.Range(0, NumChunks).Except(Present).ToList();
    }

    /// <summary>Every method with shard files under <paramref name="outputDirectory"/>/answers, by name.</summary>
    public static IReadOnlyList<MethodShards> Discover(string outputDirectory)
    {
        var folder = Path.Combine(outputDirectory, MethodEvaluator.AnswersFolder);
        if (!Directory.Exists(folder)) return [];
        var found = new Dictionary<string, (HashSet<int> Chunks, List<int> Idx)>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*.jsonl"))
        {
            var match = ShardName().Match(Path.GetFileName(path));
            if (!match.Success) continue;
            var method = match.Groups["method"].Value;
            if (!found.TryGetValue(method, out var entry)) found[method] = entry = ([], []);
            entry.Chunks.Add(int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture));
            entry.Idx.Add(int.Parse(match.Groups["idx"].Value, CultureInfo.InvariantCulture));
        }
        var result = new List<MethodShards>();
        foreach (var (method, (chunks, idx)) in found.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            // Shards of two different --num-chunks settings cannot be merged into one answer set.
            if (chunks.Count > 1)
                throw new InvalidDataException($"{folder}: method '{method}' has shard files for {string.Join(" and ", chunks.Order())} chunks; remove the stale ones or pass --num-chunks.");
            result.Add(new MethodShards(method, chunks.Single(), idx.Distinct().Order().ToList()));
        }
        return result;
    }

    /// <summary>Methods that have a complete (unsharded or merged) answer file.</summary>
    public static IReadOnlyList<string> Complete(string outputDirectory)
    {
        var folder = Path.Combine(outputDirectory, MethodEvaluator.AnswersFolder);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*.jsonl").Select(Path.GetFileName)
            .Where(n => !ShardName().IsMatch(n!)).Select(n => Path.GetFileNameWithoutExtension(n!)).Order(StringComparer.Ordinal).ToList();
    }
}
