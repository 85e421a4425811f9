using System.Globalization;
using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>One fuzz case: a seed and the mutations applied to it in order.</summary>
public sealed record FuzzCase(int Seed, Mutation[] Mutations)
{
    public byte[] Build(FuzzFormat format, IReadOnlyList<byte[]> seeds)
    {
        var bytes = seeds[Seed % seeds.Count];
        foreach (var mutation in Mutations)
            bytes = mutation.Apply(bytes, format.Structure);
        return bytes;
    }

    public override string ToString() => $"seed {Seed}: {string.Join(" ", Mutations.Select(m => m.ToString()))}";
}

/// <summary>
/// Runs a format's mutation campaign with FsCheck (seeded generation, replay and shrinking of the mutation plans) and
/// replays the regression corpus. BLINK_FUZZ_CASES and BLINK_FUZZ_SEED set the number of cases per format and the
/// seed (CI: 2,000 and the fixed default); a failing input is shrunk, written to
/// tests/Blink.Workbench.Tests/Fuzz/corpus/FORMAT/ and replayed by every later run.
/// </summary>
public static class FuzzHarness
{
    public const ulong DefaultSeed = 20261204;
    public const int DefaultCases = 2000;

    public static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("BLINK_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultCases;

    public static ulong Seed =>
        ulong.TryParse(Environment.GetEnvironmentVariable("BLINK_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;

    /// <summary>Where <c>eng/fuzz.sh</c> finds the input that was running when a native crash ended the process.</summary>
    public static string? CurrentInputFolder => Environment.GetEnvironmentVariable("BLINK_FUZZ_CURRENT");

    public static string CorpusRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Blink.Workbench.sln")))
                    return Path.Combine(dir.FullName, "tests", "Blink.Workbench.Tests", "Fuzz", "corpus");
            throw new DirectoryNotFoundException($"Blink.Workbench.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>A work folder for one format with its sibling files in place.</summary>
    public static string NewWorkFolder(FuzzFormat format)
    {
        var folder = Path.Combine(Path.GetTempPath(), "blink-fuzz", format.Name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        format.Prepare?.Invoke(folder);
        return folder;
    }

    /// <summary>Writes the input as the format's file and parses it; null when the property holds, else what broke it.</summary>
    public static string? Violation(FuzzFormat format, string workFolder, byte[] input)
    {
        var path = Path.Combine(workFolder, format.FileName);
        File.WriteAllBytes(path, input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            format.Parse(path);
        }
        catch (Exception e) when (format.IsOwnError(e))
        {
            var name = Path.GetFileName(format.FileName);
            if (!e.Message.Contains(name, StringComparison.Ordinal))
                return $"{e.GetType().Name} does not name {name}: {Shorten(e.Message)}";
        }
        catch (Exception e)
        {
            var where = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("Blink.", StringComparison.Ordinal))?.Trim();
            return $"unhandled {e.GetType().FullName}: {Shorten(e.Message)} ({where ?? "no Blink frame"})";
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return allocated > format.AllocationBound
            ? $"allocated {allocated:N0} managed bytes for a {input.Length:N0}-byte input (bound {format.AllocationBound:N0})"
            : null;
    }

    /// <summary>Runs <see cref="Cases"/> mutated inputs; on failure saves the shrunk input to the corpus and fails.</summary>
    public static void Run(FuzzFormat format, Action<string>? log = null)
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var seeds = format.Seeds();
        var work = NewWorkFolder(format);
        foreach (var (seed, i) in seeds.Select((s, i) => (s, i)))
        {
            var problem = Violation(format, work, seed);
            Assert.True(problem is null, $"{format.Name}: valid seed {i} already breaks the property: {problem}");
        }

        string? current = CurrentInputFolder is { } c ? Path.Combine(c, format.Name + ".bin") : null;
        if (current is not null) Directory.CreateDirectory(Path.GetDirectoryName(current)!);
        byte[]? failingInput = null;
        string? failingProblem = null;
        FuzzCase? failingCase = null;
        var property = Prop.ForAll(Arbitrary(format, seeds.Count), fuzzCase =>
        {
            var bytes = fuzzCase.Build(format, seeds);
            if (current is not null) File.WriteAllBytes(current, bytes);
            var problem = Violation(format, work, bytes);
            if (problem is null) return true;
            (failingInput, failingProblem, failingCase) = (bytes, problem, fuzzCase);
            return false;
        });
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Cases)
            .WithQuietOnSuccess(true)
            .WithReplay(new Replay(new Rnd(Seed, 0x9E37_79B9_7F4A_7C15UL), null));
        try
        {
            Check.One(config, property);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var line = string.Create(CultureInfo.InvariantCulture, $"{format.Name}\t{Cases}\t{Seed}\t{wall.Elapsed.TotalSeconds:F1}\t{cpu.TotalSeconds:F1}\tpass");
            log?.Invoke(line);
            if (Environment.GetEnvironmentVariable("BLINK_FUZZ_STATS") is { Length: > 0 } stats)
                File.AppendAllText(stats, line + "\n");
        }
        catch (Exception) when (failingInput is not null)
        {
            var saved = SaveToCorpus(format, failingInput);
            if (Environment.GetEnvironmentVariable("BLINK_FUZZ_STATS") is { Length: > 0 } stats)
                File.AppendAllText(stats, string.Create(CultureInfo.InvariantCulture,
                    $"{format.Name}\t{Cases}\t{Seed}\t{wall.Elapsed.TotalSeconds:F1}\t-\tFAIL {saved}: {Shorten(failingProblem ?? "")}\n"));
            Assert.Fail($"{format.Name}: {failingProblem}\n  input ({failingInput.Length} bytes, shrunk from {failingCase}) saved as {saved}; " +
                        $"reproduce: BLINK_FUZZ_SEED={Seed} BLINK_FUZZ_CASES={Cases} dotnet test --filter Fuzz");
        }
        finally
        {
            if (current is not null) File.Delete(current);
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    public static string SaveToCorpus(FuzzFormat format, byte[] input)
    {
        var folder = Path.Combine(CorpusRoot, format.Name);
        Directory.CreateDirectory(folder);
        var name = Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant() + Path.GetExtension(format.FileName);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, input);
        return path;
    }

    /// <summary>Every saved input of a format, for the replay test.</summary>
    public static IReadOnlyList<string> CorpusFiles(FuzzFormat format)
    {
        var folder = Path.Combine(CorpusRoot, format.Name);
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList() : [];
    }

    private static Arbitrary<FuzzCase> Arbitrary(FuzzFormat format, int seedCount)
    {
        var kinds = KindWeights(format.Structure).Select(kw => (kw.Weight, Gen.Constant(kw.Kind))).ToArray();
        // Half the positions fall in the first 64 bytes, where headers, lengths and dimensions live.
        var position = Gen.Frequency((1, Gen.Choose(0, 63)), (1, Gen.Choose(0, int.MaxValue)));
        var mutation =
            from kind in Gen.Frequency(kinds)
            from at in position
            from value in Gen.Choose(0, int.MaxValue)
            select new Mutation(kind, at, value);
        var gen =
            from seed in Gen.Choose(0, seedCount - 1)
            from count in Gen.Choose(1, 4)
            from plan in mutation.ArrayOf(count)
            select new FuzzCase(seed, plan);
        return Arb.From(gen, Shrink);
    }

    /// <summary>Shrinks a plan by dropping one mutation at a time, then by trying the first seed.</summary>
    private static IEnumerable<FuzzCase> Shrink(FuzzCase c)
    {
        for (int i = 0; i < c.Mutations.Length; i++)
            if (c.Mutations.Length > 1)
                yield return c with { Mutations = [.. c.Mutations[..i], .. c.Mutations[(i + 1)..]] };
        if (c.Seed != 0) yield return c with { Seed = 0 };
    }

    private static IEnumerable<(int Weight, MutationKind Kind)> KindWeights(FuzzStructure structure)
    {
        foreach (var kind in new[] { MutationKind.Truncate, MutationKind.FlipBit, MutationKind.SetByte, MutationKind.InsertBytes,
                     MutationKind.DeleteBytes, MutationKind.DuplicateChunk, MutationKind.OverwriteInteger })
            yield return (2, kind);
        if (structure is FuzzStructure.Json or FuzzStructure.JsonLines or FuzzStructure.Safetensors)
        {
            yield return (10, MutationKind.JsonReplaceValue);
            yield return (4, MutationKind.JsonRemove);
        }
        if (structure == FuzzStructure.Image)
            yield return (8, MutationKind.ImageSize);
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
