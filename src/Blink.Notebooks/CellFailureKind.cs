namespace Blink.Notebooks;

/// <summary>Why a notebook run failed.</summary>
public enum CellFailureKind
{
    /// <summary>The file is not a notebook the kernel can run (not JSON, not nbformat 4, no cells).</summary>
    InvalidNotebook,
    /// <summary><see cref="NotebookRunOptions.Parameters"/> could not be injected.</summary>
    Parameters,
    /// <summary>The kernel driver (dotnet-repl) is not installed or could not start.</summary>
    KernelMissing,
    /// <summary>A <c>#r "nuget: ..."</c> or <c>#i</c> the kernel could not restore (unknown package, wrong version).</summary>
    PackageReference,
    /// <summary>The cell did not compile, or it threw.</summary>
    CellError,
    /// <summary>The notebook ran past <see cref="NotebookRunOptions.Timeout"/>; the kernel was stopped.</summary>
    Timeout,
    /// <summary>The kernel ended without writing the executed notebook (crash, killed).</summary>
    KernelCrashed,
}
