using System.Diagnostics;
using System.Text.Json.Nodes;
using Blink.Notebooks.Documents;
using Blink.Notebooks.Execution;
using Blink.Notebooks.Html;
using Microsoft.CodeAnalysis.CSharp;

namespace Blink.Notebooks;

/// <summary>
/// Runs a Polyglot (.NET Interactive) C# notebook headless, with the semantics of the final .NET Interactive C# kernel
/// (see docs: /work/shared/reference/notebooks.md §4.2). The source notebook is never modified.
/// </summary>
public static class NotebookRunner
{
    public const string ParametersTag = "parameters";
    public const string InjectedParametersTag = "injected-parameters";

    // The working directory is process-wide and a run sets it to the notebook's folder (the kernel's cwd), so runs
    // in one process take turns.
    private static readonly SemaphoreSlim RunGate = new(1, 1);

    public static async Task<NotebookRunResult> RunAsync(string notebookPath, NotebookRunOptions? options = null,
        IProgress<NotebookProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new NotebookRunOptions();
        if (options.CellTimeout <= TimeSpan.Zero)
            throw new ArgumentException("CellTimeout must be positive.", nameof(options));
        var fullPath = Path.GetFullPath(notebookPath);
        var notebookDirectory = Path.GetDirectoryName(fullPath)!;
        var (executedPath, htmlPath) = OutputPaths(fullPath, options);

        var source = NotebookFile.Read(fullPath);
        var executed = NotebookStripper.Strip(source);
        var stopwatch = Stopwatch.StartNew();
        var failures = new List<CellFailure>();
        var warnings = new List<string>();

        var runnable = InjectParameters(executed, options, failures) && Validate(executed, failures);
        var results = new CellRunResult?[executed.Cells.Count];
        if (runnable)
            await RunCellsAsync(fullPath, notebookDirectory, executed, options, progress, failures, warnings, results, cancellation);

        var cells = executed.Cells.Select((cell, i) => results[i] ?? new CellRunResult(i, cell.Id,
            !cell.IsCode ? CellRunStatus.NotCode
            : failures.Any(f => f.CellIndex == i) ? CellRunStatus.Failed
            : CellRunStatus.Skipped, TimeSpan.Zero)).ToList();

        if (executedPath is not null) NotebookFile.Write(executed, executedPath);
        if (htmlPath is not null)
            await File.WriteAllTextAsync(htmlPath, NotebookHtmlRenderer.Render(executed,
                new NotebookHtmlOptions { Title = Path.GetFileNameWithoutExtension(fullPath), ResourceDirectory = notebookDirectory }), cancellation);

        return new NotebookRunResult
        {
            NotebookPath = fullPath,
            ExecutedNotebook = executed,
            Cells = cells,
            Failures = failures,
            Warnings = warnings,
            Elapsed = stopwatch.Elapsed,
            ExecutedNotebookPath = executedPath,
            HtmlPath = htmlPath,
        };
    }

    private static async Task RunCellsAsync(string notebookPath, string notebookDirectory, NotebookDocument executed, NotebookRunOptions options,
        IProgress<NotebookProgress>? progress, List<CellFailure> failures, List<string> warnings, CellRunResult?[] results, CancellationToken cancellation)
    {
        await RunGate.WaitAsync(cancellation);
        var previousDirectory = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = notebookDirectory;
            ConsoleRouter.EnsureInstalled();
            var formatter = new DisplayFormatter(options.ChartPngRenderer);
            var session = new ScriptSession(notebookDirectory, formatter);
            var executionCount = 0;
            var stopped = false;

            for (var i = 0; i < executed.Cells.Count; i++)
            {
                var cell = executed.Cells[i];
                if (!cell.IsCode || KernelNames.ResolveCell(executed, cell) == KernelNames.Markdown)
                {
                    results[i] = new CellRunResult(i, cell.Id, CellRunStatus.NotCode, TimeSpan.Zero);
                    continue;
                }
                if (stopped)
                {
                    results[i] = new CellRunResult(i, cell.Id, CellRunStatus.Skipped, TimeSpan.Zero);
                    continue;
                }

                cancellation.ThrowIfCancellationRequested();
                progress?.Report(new NotebookProgress(notebookPath, i, executed.Cells.Count, cell.Id, null));
                var cellWatch = Stopwatch.StartNew();
                var collector = new CellOutputCollector();
                var context = new CellExecutionContext(collector, formatter);
                CellOutcome outcome;
                CellExecutionContext.Current = context;
                try
                {
                    outcome = await session.ExecuteAsync(CellDirectives.Prepare(executed, cell.Source), context, options.CellTimeout, cancellation);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Failures outside the user's code (e.g. the script assembly loader) still belong to this cell.
                    collector.Add(new ErrorOutput("Error", e.ToString(), e.ToString().Split('\n')));
                    outcome = CellOutcome.Failed(CellFailureKind.RuntimeException, e.ToString());
                }
                finally
                {
                    CellExecutionContext.Current = null;
                }

                cell.ExecutionCount = ++executionCount;
                cell.Outputs.Clear();
                cell.Outputs.AddRange(collector.Snapshot());
                var status = outcome.Failure is null ? CellRunStatus.Succeeded : CellRunStatus.Failed;
                results[i] = new CellRunResult(i, cell.Id, status, cellWatch.Elapsed);
                if (outcome.Failure is { } kind)
                {
                    failures.Add(new CellFailure(i, cell.Id, kind, outcome.Message!));
                    stopped = !options.ContinueOnError || kind == CellFailureKind.Timeout;
                }
                progress?.Report(new NotebookProgress(notebookPath, i, executed.Cells.Count, cell.Id, results[i]));
            }
            warnings.AddRange(session.Warnings);
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            RunGate.Release();
        }
    }

    /// <summary>
    /// Papermill's convention: the overrides go into a new cell right after the cell tagged "parameters", so the
    /// notebook's defaults stay visible and the executed copy shows what was overridden.
    /// </summary>
    private static bool InjectParameters(NotebookDocument notebook, NotebookRunOptions options, List<CellFailure> failures)
    {
        if (options.Parameters.Count == 0) return true;
        var index = notebook.Cells.FindIndex(c => c.IsCode && c.Tags.Contains(ParametersTag));
        if (index < 0)
        {
            failures.Add(new CellFailure(0, null, CellFailureKind.Parameters,
                $"Parameters were given ({string.Join(", ", options.Parameters.Keys)}) but no code cell is tagged '{ParametersTag}'."));
            return false;
        }
        var invalid = options.Parameters.Keys.Where(name => !SyntaxFacts.IsValidIdentifier(name)).ToList();
        if (invalid.Count > 0)
        {
            failures.Add(new CellFailure(index, notebook.Cells[index].Id, CellFailureKind.Parameters,
                $"Parameter names must be C# identifiers: {string.Join(", ", invalid.Select(n => $"'{n}'"))}."));
            return false;
        }

        var metadata = (JsonObject)notebook.Cells[index].Metadata.DeepClone();
        metadata["tags"] = new JsonArray(InjectedParametersTag);
        var code = "// Parameters injected by the headless runner\n" + string.Join("\n", options.Parameters.Select(p => $"{p.Key} = {p.Value};"));
        notebook.Cells.Insert(index + 1, new NotebookCell("code", code, metadata, NotebookFile.NewCellId()));
        return true;
    }

    /// <summary>Rejects the whole notebook before anything runs if a cell needs a kernel or magic the runner does not have.</summary>
    private static bool Validate(NotebookDocument notebook, List<CellFailure> failures)
    {
        var before = failures.Count;
        for (var i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (!cell.IsCode) continue;
            var kernel = KernelNames.ResolveCell(notebook, cell);
            string? problem = kernel switch
            {
                KernelNames.Markdown => null,
                KernelNames.CSharp => CellDirectives.Prepare(notebook, cell.Source).Unsupported,
                _ => $"the cell uses the '{kernel}' kernel, which is not supported by the headless runner (only C# and markdown cells are)",
            };
            if (problem is null) continue;
            cell.Outputs.Add(new ErrorOutput("Error", problem, [problem]));
            failures.Add(new CellFailure(i, cell.Id, CellFailureKind.UnsupportedContent, problem));
        }
        return failures.Count == before;
    }

    private static (string? Notebook, string? Html) OutputPaths(string notebookPath, NotebookRunOptions options)
    {
        if (options.OutputDirectory is null) return (null, null);
        var directory = Path.GetFullPath(options.OutputDirectory);
        var name = Path.GetFileNameWithoutExtension(notebookPath);
        var executedPath = Path.Combine(directory, name + ".ipynb");
        if (string.Equals(executedPath, notebookPath, StringComparison.Ordinal))
            throw new ArgumentException($"OutputDirectory '{directory}' is the notebook's own folder; the executed copy would overwrite the source notebook.", nameof(options));
        Directory.CreateDirectory(directory);
        return (executedPath, options.WriteHtml ? Path.Combine(directory, name + ".html") : null);
    }
}
