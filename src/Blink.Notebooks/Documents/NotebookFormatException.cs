namespace Blink.Notebooks.Documents;

/// <summary>The file is not a notebook this project can read (not JSON, not nbformat 4, malformed cells).</summary>
public sealed class NotebookFormatException(string message, Exception? inner = null) : Exception(message, inner);
