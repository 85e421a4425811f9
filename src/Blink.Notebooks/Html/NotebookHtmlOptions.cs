namespace Blink.Notebooks.Html;

public sealed class NotebookHtmlOptions
{
    /// <summary>Page title; defaults to "Notebook".</summary>
    public string? Title { get; init; }

    /// <summary>The notebook's folder: relative image paths in Markdown are read from here and inlined as data: URIs.</summary>
    public string? ResourceDirectory { get; init; }

    /// <summary>Show the code of code cells (default) or only their outputs.</summary>
    public bool IncludeCode { get; init; } = true;
}
