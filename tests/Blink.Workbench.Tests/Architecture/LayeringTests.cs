using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace Blink.Workbench.Tests.Architecture;

/// <summary>
/// The library's layers, bottom to top. A namespace may use its own layer and the ones below, never one above, and
/// the top-level namespaces (with everything under them) form no cycle.
/// </summary>
public sealed class LayeringTests
{
    private const string Root = "Blink.Workbench";

    /// <summary>Each layer's top-level namespaces under Blink.Workbench; a layer may use every layer before it.</summary>
    internal static readonly string[][] Layers =
    [
        ["IO", "Imaging", "Text"],      // files, pictures, words: no model knowledge
        ["Models"],                      // LLaVA: vision tower, projector, decoder, the interceptor seam, generation
        ["Data"],                        // the synthetic testbed
        ["Methods"],                     // Blink, TokenSR, FastV and the other token methods
        ["Evaluation"],                  // questions, answers, benchmarks, scoring, method runs
        ["Training"],                    // the embedded model and TokenSR training
        ["Analysis", "Performance"],     // the pilot study, probes, the bench's measurements
        ["Plots", "Reporting"],          // figures and the study report
        ["Experiments"],                 // the study's chain, from testbed to report (the CLI and notebooks call it)
    ];

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Library = new(() =>
        new ArchLoader().LoadAssemblies(typeof(Blink.Workbench.Models.ModelBundle).Assembly).Build());

    /// <summary>Top-level namespace → the set of top-level namespaces its types use (itself left out), with examples.</summary>
    internal static Dictionary<string, Dictionary<string, List<string>>> TopLevelUses()
    {
        var uses = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (var type in Library.Value.Types)
        {
            if (TopLevel(type.Namespace?.FullName) is not { } from) continue;
            foreach (var dependency in type.Dependencies)
            {
                if (TopLevel(dependency.Target?.Namespace?.FullName) is not { } to || to == from) continue;
                if (!uses.TryGetValue(from, out var targets)) uses[from] = targets = new(StringComparer.Ordinal);
                if (!targets.TryGetValue(to, out var examples)) targets[to] = examples = [];
                var example = $"{type.Name} → {dependency.Target!.Name}";
                if (!examples.Contains(example)) examples.Add(example);
            }
        }
        return uses;
    }

    private static string? TopLevel(string? ns) =>
        ns is not null && ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;

    [Fact]
    public void Top_level_namespaces_form_no_cycle()
    {
        // ArchUnitNET's slice rule reads each sub-namespace as its own slice (Models ↔ Models.Language would count),
        // so the cycle search runs on the top-level graph it loads.
        var uses = TopLevelUses();
        var cycles = new List<string>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        void Visit(string ns)
        {
            state[ns] = 1;
            path.Add(ns);
            foreach (var next in uses.GetValueOrDefault(ns)?.Keys ?? Enumerable.Empty<string>())
            {
                if (state.GetValueOrDefault(next) == 1)
                    cycles.Add(string.Join(" → ", path.Skip(path.IndexOf(next)).Append(next)) + $" ({string.Join(", ", uses[ns][next].Take(2))})");
                else if (state.GetValueOrDefault(next) == 0)
                    Visit(next);
            }
            path.RemoveAt(path.Count - 1);
            state[ns] = 2;
        }
        foreach (var ns in uses.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(ns) == 0) Visit(ns);
        Assert.True(cycles.Count == 0, "namespace cycles:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Every_top_level_namespace_has_a_layer()
    {
        var known = Layers.SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
        var present = Library.Value.Types.Select(t => TopLevel(t.Namespace?.FullName)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Empty(present.Except(known));
        Assert.Empty(known.Except(present)); // a layer list that names a namespace no longer there is stale
    }

    [Fact]
    public void No_namespace_uses_a_layer_above_its_own()
    {
        int LayerOf(string ns) => Array.FindIndex(Layers, l => l.Contains(ns));
        var upward = TopLevelUses()
            .SelectMany(kv => kv.Value.Select(t => (From: kv.Key, To: t.Key, Examples: t.Value)))
            .Where(e => LayerOf(e.To) > LayerOf(e.From) || (LayerOf(e.To) == LayerOf(e.From) && Layers[LayerOf(e.From)].Length > 1 && !SameLayerAllowed(e.From, e.To)))
            .Select(e => $"{e.From} uses {e.To} ({string.Join(", ", e.Examples.Take(3))})")
            .ToList();
        Assert.True(upward.Count == 0, "upward dependencies:\n" + string.Join("\n", upward));
    }

    /// <summary>Within a layer of several namespaces only these uses are allowed (files are written through IO; the report draws with the plots).</summary>
    private static bool SameLayerAllowed(string from, string to) => (from, to) is ("Reporting", "Plots") or ("Imaging", "IO") or ("Text", "IO");

    [Fact]
    public void The_embedded_model_is_trained_without_the_method_options()
    {
        var offending = Library.Value.Types
            .Where(t => t.Namespace?.FullName == Root + ".Training" && t.Name.StartsWith("Base", StringComparison.Ordinal))
            .SelectMany(t => t.Dependencies.Where(d => TopLevel(d.Target?.Namespace?.FullName) == "Methods").Select(d => $"{t.Name} → {d.Target!.Name}"))
            .Distinct()
            .ToList();
        Assert.True(offending.Count == 0, string.Join(", ", offending));
    }
}
