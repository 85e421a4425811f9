using Blink.Notebooks.Execution;
using Microsoft.AspNetCore.Html;

namespace Blink.Notebooks.Scripting;

/// <summary>
/// The runner's stand-in for the kernel helpers a C# cell can call unqualified (the kernel submits
/// <c>using static Microsoft.DotNet.Interactive.Kernel;</c> before the first cell; the runner submits the same for
/// this class). Only the helpers that make sense headless exist; GetInputAsync and friends are deliberately absent.
/// </summary>
public static class NotebookKernel
{
    /// <summary>Displays <paramref name="value"/> with the given MIME types, or the Formatting package's preferred ones.</summary>
#pragma warning disable IDE1006 // The kernel's helper is lower-case and notebooks call it that way.
    public static DisplayedValue display(object? value, params string[] mimeTypes)
#pragma warning restore IDE1006
    {
        var cell = CellExecutionContext.Current
                   ?? throw new InvalidOperationException("display(...) only works while the notebook runner executes a cell.");
        var index = cell.Outputs.Add(cell.Formatter.Format(value, mimeTypes));
        return new DisplayedValue(cell, index, mimeTypes);
    }

    /// <summary>Marks a string as HTML, so displaying or returning it renders markup (text/html).</summary>
    public static IHtmlContent HTML(string content) => new HtmlString(content);
}
