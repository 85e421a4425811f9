namespace Blink.Notebooks.Execution;

/// <summary>
/// A C# cell after the kernel-level directives were taken out of its text (lines are blanked, not removed, so Roslyn's
/// line numbers still match the cell): what Roslyn compiles plus what the runner itself has to do for the directives.
/// </summary>
internal sealed record PreparedCell(
    string Code,
    IReadOnlyList<PackageReference> Packages,
    IReadOnlyList<string> AssemblyReferences,
    bool Timed,
    IReadOnlyList<string> Warnings,
    string? Unsupported);
