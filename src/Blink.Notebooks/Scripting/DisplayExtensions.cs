namespace Blink.Notebooks.Scripting;

/// <summary>
/// The kernel's <c>System.DisplayExtensions</c> (value.Display(), "..".DisplayAs(mime)). The runner imports this
/// namespace for notebook cells, so the calls need no using directive, exactly as in the kernel.
/// </summary>
public static class DisplayExtensions
{
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) => NotebookKernel.display(value, mimeTypes);

    public static DisplayedValue DisplayAs(this string value, string mimeType) => NotebookKernel.display(new RawMimeValue(value, mimeType), mimeType);
}

/// <summary>Text that is already in the target MIME type (DisplayAs): it is written as-is, not formatted again.</summary>
internal sealed record RawMimeValue(string Text, string MimeType);
