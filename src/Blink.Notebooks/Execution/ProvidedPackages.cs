using System.Reflection;

namespace Blink.Notebooks.Execution;

/// <summary>
/// The packages (and exact versions) the runner provides. The versions are those in Directory.Packages.props (a test
/// keeps them in step), i.e. the versions the workbench is compiled against — the same pins the notebooks must use for
/// users in the real kernel.
/// </summary>
internal static class ProvidedPackages
{
    public const string TorchSharpVersion = "0.107.0";
    public const string PlotlyVersion = "6.0.0";
    public const string PlotlyCSharpVersion = "0.14.0";
    public const string FormattingVersion = "1.0.0-beta.23562.1";
    public const string SkiaSharpVersion = "2.88.9";
    public const string TokenizersVersion = "2.0.1";

    public static IReadOnlyList<ProvidedPackage> All { get; } =
    [
        // TorchSharp-cpu is the combination package users must reference in the kernel (bare TorchSharp has no natives).
        new("TorchSharp-cpu", TorchSharpVersion, () => [typeof(TorchSharp.torch).Assembly]),
        new("TorchSharp-cuda-linux", TorchSharpVersion, () => [typeof(TorchSharp.torch).Assembly]),
        new("TorchSharp-cuda-windows", TorchSharpVersion, () => [typeof(TorchSharp.torch).Assembly]),
        new("Plotly.NET", PlotlyVersion, PlotlyAssemblies),
        new("Plotly.NET.CSharp", PlotlyCSharpVersion, () => [typeof(Plotly.NET.CSharp.Chart).Assembly, .. PlotlyAssemblies()]),
        new("Plotly.NET.Interactive", PlotlyVersion, PlotlyAssemblies, EnablesChartFormatter: true),
        new("Microsoft.DotNet.Interactive.Formatting", FormattingVersion,
            () => [typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly]),
        new("SkiaSharp", SkiaSharpVersion, () => [typeof(SkiaSharp.SKBitmap).Assembly]),
        new("Microsoft.ML.Tokenizers", TokenizersVersion, () => [Assembly.Load("Microsoft.ML.Tokenizers")]),
    ];

    public static ProvidedPackage? Find(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Plotly.NET's public API exposes FSharp.Core, DynamicObj and Giraffe.ViewEngine types, so C# needs them too.</summary>
    private static IEnumerable<Assembly> PlotlyAssemblies()
    {
        var plotly = typeof(Plotly.NET.GenericChart).Assembly;
        yield return plotly;
        foreach (var name in plotly.GetReferencedAssemblies().Where(n => n.Name is "FSharp.Core" or "DynamicObj" or "Giraffe.ViewEngine" or "Newtonsoft.Json"))
            yield return Assembly.Load(name);
    }
}
