namespace Blink.Notebooks;

/// <summary>Why a cell failed.</summary>
public enum CellFailureKind
{
    /// <summary>Another kernel (F#, PowerShell, ...) or a magic command the headless runner does not support.</summary>
    UnsupportedContent,
    /// <summary>A <c>#r "nuget: ..."</c> the runner does not provide, unpinned, or pinned to another version.</summary>
    PackageReference,
    /// <summary>A <c>#r "x.dll"</c> that is a different build of an assembly the runner hosts.</summary>
    AssemblyReference,
    /// <summary>Roslyn reported errors; the cell did not run.</summary>
    CompilationError,
    /// <summary>The cell threw.</summary>
    RuntimeException,
    /// <summary>The cell ran past <see cref="NotebookRunOptions.CellTimeout"/>.</summary>
    Timeout,
    /// <summary><see cref="NotebookRunOptions.Parameters"/> could not be injected.</summary>
    Parameters,
}
