namespace Blink.Workbench.Evaluation;

/// <summary>
/// Bad input in a benchmark, question or answer file. The message always starts with <c>file:line:</c> (or just
/// <c>file:</c> when the problem is not tied to a line) so an evaluator can jump straight to the offending row.
/// </summary>
public sealed class BenchmarkFormatException : Exception
{
    public BenchmarkFormatException(string filePath, int? lineNumber, string problem, Exception? inner = null)
        : base(Format(filePath, lineNumber, problem), inner)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Problem = problem;
    }

    /// <summary>The file that holds the bad input.</summary>
    public string FilePath { get; }

    /// <summary>1-based line of the bad row, or null when the problem concerns the file as a whole.</summary>
    public int? LineNumber { get; }

    /// <summary>The problem without the location prefix.</summary>
    public string Problem { get; }

    private static string Format(string filePath, int? lineNumber, string problem) =>
        lineNumber is { } line ? $"{filePath}:{line}: {problem}" : $"{filePath}: {problem}";
}
