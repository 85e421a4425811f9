using System.Reflection;

namespace Blink.Notebooks.Execution;

/// <summary>
/// A NuGet package a notebook may <c>#r "nuget: ..."</c>: the runner does not restore anything, it hands the script
/// the assemblies its own process already loaded from that package (one copy of TorchSharp/Plotly/workbench in the
/// process). <see cref="EnablesChartFormatter"/> marks Plotly.NET.Interactive, whose only effect in the kernel is the
/// GenericChart → text/html formatter.
/// </summary>
internal sealed record ProvidedPackage(string Id, string Version, Func<IEnumerable<Assembly>> Assemblies, bool EnablesChartFormatter = false);
