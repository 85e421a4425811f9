using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blink.Notebooks.Documents;
using Blink.Notebooks.Html;

namespace Blink.Notebooks;

/// <summary>
/// Runs a Polyglot (.NET Interactive) C# notebook in the real kernel, the way a user's Run All does: dotnet-repl
/// (<see cref="KernelTool"/>) executes a prepared copy (outputs stripped, quick parameters injected) with the
/// notebook's folder as working directory, and this class turns its executed notebook into the executed copy, an
/// offline HTML page and one failure report naming notebook, cell and cause. The source notebook and its folder are
/// never written.
/// </summary>
public static class NotebookRunner
{
    private const int LogLimit = 8_000;

    public static async Task<NotebookRunResult> RunAsync(string notebookPath, NotebookRunOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new NotebookRunOptions();
        if (options.Timeout <= TimeSpan.Zero) throw new ArgumentException("Timeout must be positive.", nameof(options));
        var fullPath = Path.GetFullPath(notebookPath);
        var name = Path.GetFileName(fullPath);
        var stem = Path.GetFileNameWithoutExtension(fullPath);
        var notebookDirectory = Path.GetDirectoryName(fullPath)!;
        var stopwatch = Stopwatch.StartNew();
        NotebookRunResult Failed(CellFailureKind kind, string message, int cell = -1, string? id = null, string log = "") => new()
        {
            NotebookPath = fullPath, Failures = [new CellFailure(name, cell, id, kind, message)], Elapsed = stopwatch.Elapsed, KernelLog = log,
        };

        // 1. Read and prepare (nothing runs when the notebook or the parameters are wrong).
        if (!File.Exists(fullPath)) return Failed(CellFailureKind.InvalidNotebook, $"the notebook does not exist ({fullPath}).");
        NotebookDocument source;
        try
        {
            source = NotebookFile.Parse(await File.ReadAllTextAsync(fullPath, cancellation));
        }
        catch (NotebookFormatException e)
        {
            return Failed(CellFailureKind.InvalidNotebook, e.Message);
        }
        var prepared = NotebookStripper.Strip(source);
        if (QuickParameters.Inject(prepared, options.Parameters, out var parametersCell) is { } problem)
            return Failed(CellFailureKind.Parameters, problem, parametersCell, parametersCell >= 0 ? prepared.Cells[parametersCell].Id : null);

        var outputDirectory = Path.GetFullPath(options.OutputDirectory ?? Path.Combine(Path.GetTempPath(), "blink-notebook-run-" + Guid.NewGuid().ToString("N")[..8]));
        if (IsSameOrInside(outputDirectory, notebookDirectory))
            throw new ArgumentException($"The output folder '{outputDirectory}' is the notebook's own folder (or inside it); the source notebook's folder is never written. Choose another folder (e.g. artifacts/notebooks).", nameof(options));

        var tool = options.KernelToolPath ?? KernelTool.Locate(notebookDirectory) ?? KernelTool.Locate(AppContext.BaseDirectory);
        if (tool is null || !File.Exists(tool))
            return Failed(CellFailureKind.KernelMissing, tool is null ? KernelTool.MissingMessage(notebookDirectory) : $"the kernel driver '{tool}' does not exist.");

        var workDirectory = Path.Combine(outputDirectory, ".kernel-" + stem + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(workDirectory);
        try
        {
            var inputPath = Path.Combine(workDirectory, name);
            var kernelOutputPath = Path.Combine(workDirectory, stem + ".executed.ipynb");
            NotebookFile.Write(prepared, inputPath);

            // 2. The kernel runs every cell (dotnet-repl does not stop at an error; the first error is the cause).
            var (exitCode, timedOut, log, startError) = await RunKernelAsync(tool, notebookDirectory, inputPath, kernelOutputPath, options, cancellation);
            if (startError is not null) return Failed(CellFailureKind.KernelMissing, $"the kernel driver '{tool}' could not start: {startError}");
            if (timedOut)
                return Failed(CellFailureKind.Timeout, $"the notebook ran past {options.Timeout.TotalSeconds:F0} s; the kernel was stopped.", log: log);
            if (!File.Exists(kernelOutputPath))
                return Failed(CellFailureKind.KernelCrashed, $"the kernel ended (exit code {exitCode}) without writing the executed notebook. Its output ends: {Tail(log, 600)}", log: log);

            // 3. The source's cells (ids, tags, metadata) with the kernel's outputs.
            NotebookDocument kernelOutput;
            try
            {
                kernelOutput = NotebookFile.Parse(await File.ReadAllTextAsync(kernelOutputPath, cancellation));
            }
            catch (NotebookFormatException e)
            {
                return Failed(CellFailureKind.KernelCrashed, $"the kernel wrote an executed notebook that cannot be read: {e.Message}", log: log);
            }
            var executed = Merge(prepared, kernelOutput, out var mergeProblem);
            if (executed is null) return Failed(CellFailureKind.KernelCrashed, mergeProblem!, log: log);

            var cells = new List<CellRunResult>();
            var failures = new List<CellFailure>();
            for (int i = 0; i < executed.Cells.Count; i++)
            {
                var cell = executed.Cells[i];
                if (!cell.IsCode) continue;
                var error = cell.Outputs.OfType<ErrorOutput>().FirstOrDefault();
                cells.Add(new CellRunResult(i, cell.Id, error is not null, Elapsed(cell)));
                if (error is not null && failures.Count == 0)
                    failures.Add(new CellFailure(name, i, cell.Id, KindOf(cell, error), Describe(error)));
            }
            if (failures.Count == 0 && exitCode != 0)
                failures.Add(new CellFailure(name, -1, null, CellFailureKind.KernelCrashed, $"the kernel exited with code {exitCode} but no cell shows an error. Its output ends: {Tail(log, 600)}"));

            string? executedPath = null, htmlPath = null;
            if (options.OutputDirectory is not null)
            {
                executedPath = Path.Combine(outputDirectory, name);
                NotebookFile.Write(executed, executedPath);
                if (options.WriteHtml)
                {
                    htmlPath = Path.Combine(outputDirectory, stem + ".html");
                    NotebookHtmlRenderer.RenderToFile(executed, htmlPath, new NotebookHtmlOptions { Title = stem, ResourceDirectory = notebookDirectory });
                }
            }
            return new NotebookRunResult
            {
                NotebookPath = fullPath, ExecutedNotebook = executed, Cells = cells, Failures = failures, Elapsed = stopwatch.Elapsed,
                ExecutedNotebookPath = executedPath, HtmlPath = htmlPath, KernelLog = log,
            };
        }
        finally
        {
            try { Directory.Delete(options.OutputDirectory is null ? outputDirectory : workDirectory, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<(int ExitCode, bool TimedOut, string Log, string? StartError)> RunKernelAsync(
        string tool, string workingDirectory, string inputPath, string outputPath, NotebookRunOptions options, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,   // the kernel's working directory is the notebook's folder, as in VS Code and Jupyter
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--run", inputPath, "--exit-after-run", "--output-format", "ipynb", "--output-path", outputPath })
            start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var log = new StringBuilder();
        void Append(string? line)
        {
            if (line is null) return;
            lock (log)
            {
                log.Append(line).Append('\n');
                if (log.Length > 4 * LogLimit) log.Remove(0, log.Length - LogLimit);
            }
        }
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        try
        {
            if (!process.Start()) return (-1, false, "", "Process.Start returned false");
        }
        catch (Win32Exception e)
        {
            return (-1, false, "", e.Message);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        options.KernelStarted?.Invoke(process.Id);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(options.Timeout);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellation.IsCancellationRequested;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            cancellation.ThrowIfCancellationRequested();
        }
        process.WaitForExit();   // drains the redirected streams
        string text;
        lock (log) text = Tail(log.ToString(), LogLimit);
        return (timedOut ? -1 : process.ExitCode, timedOut, text, null);
    }

    /// <summary>The prepared notebook with the kernel's outputs, cell by cell (dotnet-repl keeps the cell order but drops ids and tags).</summary>
    internal static NotebookDocument? Merge(NotebookDocument prepared, NotebookDocument kernelOutput, out string? problem)
    {
        problem = null;
        if (kernelOutput.Cells.Count != prepared.Cells.Count)
        {
            problem = $"the kernel's executed notebook has {kernelOutput.Cells.Count} cells, the notebook {prepared.Cells.Count}.";
            return null;
        }
        var executed = prepared.Clone();
        int count = 0;
        for (int i = 0; i < executed.Cells.Count; i++)
        {
            var cell = executed.Cells[i];
            var ran = kernelOutput.Cells[i];
            if (ran.CellType != cell.CellType)
            {
                problem = $"cell {i + 1} is {cell.CellType} in the notebook but {ran.CellType} in the kernel's executed notebook.";
                return null;
            }
            if (!cell.IsCode) continue;
            cell.Outputs.Clear();
            cell.Outputs.AddRange(ran.Outputs);
            cell.ExecutionCount = ++count;
            foreach (var key in new[] { "dotnet_repl_cellExecutionStartTime", "dotnet_repl_cellExecutionEndTime" })
                if (ran.Metadata[key] is { } stamp) cell.Metadata[key] = stamp.DeepClone();
        }
        return executed;
    }

    private static TimeSpan Elapsed(NotebookCell cell)
    {
        static DateTimeOffset? Stamp(JsonNode? node) =>
            node is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
        var start = Stamp(cell.Metadata["dotnet_repl_cellExecutionStartTime"]);
        var end = Stamp(cell.Metadata["dotnet_repl_cellExecutionEndTime"]);
        return start is { } a && end is { } b && b >= a ? b - a : TimeSpan.Zero;
    }

    private static CellFailureKind KindOf(NotebookCell cell, ErrorOutput error) =>
        (cell.Source.Contains("#r \"nuget:", StringComparison.Ordinal) || cell.Source.Contains("#i ", StringComparison.Ordinal)
         || cell.Source.Contains("SubmitCode", StringComparison.Ordinal))
        && (error.Value.Contains("NU1", StringComparison.Ordinal) || error.Value.Contains("PackageManagement", StringComparison.Ordinal))
            ? CellFailureKind.PackageReference
            : CellFailureKind.CellError;

    /// <summary>The error's message without the kernel's stack frames (the cause is in the first lines).</summary>
    private static string Describe(ErrorOutput error)
    {
        var text = string.IsNullOrWhiteSpace(error.Value) ? string.Join("\n", error.Traceback) : error.Value;
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToList();
        var message = string.Join("\n", lines).Trim();
        return message.Length == 0 ? (error.Name.Length == 0 ? "the cell failed (no message)" : error.Name) : message;
    }

    private static bool IsSameOrInside(string path, string folder)
    {
        var p = Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
        var f = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return p.StartsWith(f, StringComparison.Ordinal);
    }

    private static string Tail(string text, int max) => text.Length <= max ? text.Trim() : "…" + text[^max..].Trim();
}
