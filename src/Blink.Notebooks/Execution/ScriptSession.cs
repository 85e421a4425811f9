using System.Diagnostics;
using System.Reflection;
using Blink.Notebooks.Documents;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive.Formatting;

namespace Blink.Notebooks.Execution;

/// <summary>
/// One Roslyn ScriptState chain per notebook, set up like the final .NET Interactive C# kernel (CSharpKernel.cs):
/// C# 14 (the kernel's Roslyn 5.0 "Latest"; our Roslyn 5.12 would otherwise accept C# 15), the kernel's six imports
/// and references, #r/#load relative to the notebook folder, no globals object, and a first hidden submission that
/// brings the display helpers into scope the way the kernel's <c>using static Microsoft.DotNet.Interactive.Kernel;</c> does.
/// </summary>
internal sealed class ScriptSession
{
    public const LanguageVersion KernelLanguageVersion = LanguageVersion.CSharp14;

    private static readonly MethodInfo? HasReturnValueMethod =
        typeof(Script).GetMethod("HasReturnValue", BindingFlags.Instance | BindingFlags.NonPublic);

    private readonly NotebookMetadataResolver _resolver;
    private readonly Dictionary<string, string> _packages = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _referencedFiles = new(StringComparer.Ordinal);
    private readonly DisplayFormatter _formatter;
    private ScriptOptions _options;
    private ScriptState<object>? _state;

    public ScriptSession(string notebookDirectory, DisplayFormatter formatter)
    {
        _formatter = formatter;
        _resolver = new NotebookMetadataResolver(notebookDirectory);
        _options = ScriptOptions.Default
            .WithLanguageVersion(KernelLanguageVersion)
            .WithImports("System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq")
            .AddReferences(typeof(Enumerable).Assembly, typeof(IEnumerable<>).Assembly, typeof(Task<>).Assembly,
                typeof(Formatter).Assembly, typeof(NotebookRunner).Assembly)
            .WithMetadataResolver(_resolver)
            .WithSourceResolver(new SourceFileResolver([], notebookDirectory))
            .WithEmitDebugInformation(false);
    }

    public List<string> Warnings { get; } = new();

    public async Task<CellOutcome> ExecuteAsync(PreparedCell cell, CellExecutionContext context, TimeSpan timeout, CancellationToken cancellation)
    {
        Warnings.AddRange(cell.Warnings);
        if (cell.Unsupported is not null) return Fail(context, CellFailureKind.UnsupportedContent, cell.Unsupported);

        var packageOutcome = AddPackages(cell.Packages, context);
        if (packageOutcome is not null) return packageOutcome;
        var referenceOutcome = CheckAssemblyReferences(cell.AssemblyReferences, context);
        if (referenceOutcome is not null) return referenceOutcome;

        if (_state is null)
        {
            // The kernel's UseKernelHelpers submission; usings of earlier submissions stay in scope for later ones.
            var prelude = await CSharpScript.RunAsync("using static Blink.Notebooks.Scripting.NotebookKernel;\nusing Blink.Notebooks.Scripting;", _options,
                cancellationToken: cancellation);
            _state = prelude;
        }

        var script = _state.Script.ContinueWith(cell.Code, _options);
        var errors = script.Compile(cancellation).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            return Fail(context, CellFailureKind.CompilationError, string.Join("\n", errors.Select(d => d.ToString())));

        var stopwatch = Stopwatch.StartNew();
        var previous = _state;
        // A separate task so a cell that never yields can still be timed out; the context flows into it.
        var run = Task.Run(() => script.RunFromAsync(previous, catchException: _ => true, cancellation), cancellation);
        var finished = await Task.WhenAny(run, Task.Delay(timeout, cancellation));
        if (finished != run)
        {
            cancellation.ThrowIfCancellationRequested();
            return Fail(context, CellFailureKind.Timeout,
                $"The cell did not finish within {timeout.TotalSeconds:0.###} s; the notebook session cannot continue after a timed-out cell.");
        }

        _state = await run;
        stopwatch.Stop();
        if (_state.Exception is { } exception)
            return Fail(context, CellFailureKind.RuntimeException, exception.ToString());

        if (HasReturnValue(script) && _state.ReturnValue is not Scripting.DisplayedValue)
            context.Outputs.Add(_formatter.Format(_state.ReturnValue, []));
        if (cell.Timed)
            context.Outputs.Add(new DisplayOutput(new Dictionary<string, string>
            {
                [DisplayFormatter.PlainText] = $"Wall time: {stopwatch.Elapsed.TotalMilliseconds}ms",
            }));
        return CellOutcome.Success;
    }

    private CellOutcome? AddPackages(IReadOnlyList<PackageReference> packages, CellExecutionContext context)
    {
        if (packages.Count == 0) return null;
        var installed = new List<ProvidedPackage>();
        foreach (var reference in packages)
        {
            var provided = ProvidedPackages.Find(reference.Id);
            if (provided is null)
            {
                var hint = string.Equals(reference.Id, "TorchSharp", StringComparison.OrdinalIgnoreCase)
                    ? " Reference the combination package TorchSharp-cpu (bare TorchSharp has no native libraries in the kernel either)."
                    : "";
                return Fail(context, CellFailureKind.PackageReference,
                    $"Package '{reference.Id}' is not provided by the headless runner.{hint} Provided: {string.Join(", ", ProvidedPackages.All.Select(p => $"{p.Id} {p.Version}"))}.");
            }
            if (reference.Version is null || reference.IsWildcard)
                return Fail(context, CellFailureKind.PackageReference,
                    $"#r \"nuget: {reference}\" must pin an exact version (the kernel would install whatever is latest, so results would not be reproducible): use #r \"nuget: {provided.Id}, {provided.Version}\".");
            if (!string.Equals(reference.Version, provided.Version, StringComparison.OrdinalIgnoreCase))
                return Fail(context, CellFailureKind.PackageReference,
                    $"{provided.Id} {reference.Version} is not the version the headless runner provides ({provided.Version}); pin #r \"nuget: {provided.Id}, {provided.Version}\", the version the workbench is built against.");
            if (_packages.TryGetValue(provided.Id, out var previous) && previous != reference.Version)
                return Fail(context, CellFailureKind.PackageReference,
                    $"{provided.Id} version {reference.Version} cannot be added because version {previous} was added previously.");
            _packages[provided.Id] = reference.Version;
            var newFiles = provided.Assemblies().Select(a => a.Location).Where(_referencedFiles.Add).ToList();
            _options = _options.AddReferences(newFiles.Select(path => MetadataReference.CreateFromFile(path)));
            if (provided.EnablesChartFormatter) _formatter.ChartFormatterEnabled = true;
            installed.Add(provided);
        }

        // What the kernel shows for a nuget cell, so executed notebooks look like the ones VS Code saves.
        var items = string.Concat(installed.Select(p => $"<li><span>{p.Id}, {p.Version}</span></li>"));
        context.Outputs.Add(new DisplayOutput(new Dictionary<string, string>
        {
            [DisplayFormatter.Html] = $"<div><div></div><div></div><div><strong>Installed Packages</strong><ul>{items}</ul></div></div>",
        }));
        foreach (var extension in installed.Where(p => p.EnablesChartFormatter))
            context.Outputs.Add(new DisplayOutput(new Dictionary<string, string>
            {
                ["text/markdown"] = $"Loading extensions from `{extension.Id}.dll`",
            }));
        return null;
    }

    /// <summary>
    /// A DLL the host also has must be the same assembly (name, version, culture, key); otherwise the notebook
    /// was written against another build and would not behave like the runner's copy.
    /// </summary>
    private CellOutcome? CheckAssemblyReferences(IReadOnlyList<string> references, CellExecutionContext context)
    {
        foreach (var reference in references)
        {
            if (!_resolver.TryMapToHost(reference, out var hostPath)) continue;
            var fullPath = Path.GetFullPath(reference, _resolver.BaseDirectory);
            var hostName = System.Reflection.AssemblyName.GetAssemblyName(hostPath);
            if (!File.Exists(fullPath))
            {
                Warnings.Add($"#r \"{reference}\": {fullPath} does not exist; using the runner's own {hostName.Name} ({hostPath}). Users must build it before opening the notebook.");
                continue;
            }
            var referencedName = System.Reflection.AssemblyName.GetAssemblyName(fullPath);
            if (referencedName.FullName != hostName.FullName)
                return Fail(context, CellFailureKind.AssemblyReference,
                    $"#r \"{reference}\" is {referencedName.FullName}, but the runner hosts {hostName.FullName}; rebuild so both are the same assembly.");
        }
        return null;
    }

    private static bool HasReturnValue(Script script)
    {
        if (HasReturnValueMethod is not null) return (bool)HasReturnValueMethod.Invoke(script, null)!;
        // Fallback for a Roslyn without the internal method: the rule it implements (CSharpCompilation.HasSubmissionResult).
        var root = CSharpSyntaxTree.ParseText(script.Code, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script)).GetRoot();
        return root.ChildNodes().OfType<GlobalStatementSyntax>().LastOrDefault()?.Statement is ExpressionStatementSyntax { SemicolonToken.IsMissing: true };
    }

    private static CellOutcome Fail(CellExecutionContext context, CellFailureKind kind, string message)
    {
        context.Outputs.Add(new ErrorOutput("Error", message, message.Split('\n').Select(l => l.TrimEnd('\r')).ToList()));
        return CellOutcome.Failed(kind, message);
    }
}
