using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Blink.Notebooks.Execution;

/// <summary>
/// Resolves <c>#r</c> like the kernel (relative to the notebook folder, bare names from the host) with one addition:
/// a DLL path whose assembly the host already has resolves to the host's file (see <see cref="HostAssemblies"/>).
/// CellDirectives-time checks in <see cref="ScriptSession"/> make sure that is only done for the same identity.
/// </summary>
internal sealed class NotebookMetadataResolver(string baseDirectory) : MetadataReferenceResolver
{
    private readonly ScriptMetadataResolver _inner = ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory);

    public string BaseDirectory { get; } = baseDirectory;

    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (TryMapToHost(reference, out var hostPath))
            return [MetadataReference.CreateFromFile(hostPath, properties)];
        return _inner.ResolveReference(reference, baseFilePath, properties);
    }

    /// <summary>The host file a DLL reference stands for, when the host has an assembly of that name.</summary>
    public bool TryMapToHost(string reference, out string hostPath)
    {
        hostPath = "";
        if (!reference.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) return false;
        var fullPath = Path.GetFullPath(reference, BaseDirectory);
        if (!HostAssemblies.TryGetPath(Path.GetFileNameWithoutExtension(fullPath), out hostPath)) return false;
        return File.Exists(fullPath) || HostAssemblies.IsBuildOutputPath(fullPath);
    }

    public override bool ResolveMissingAssemblies => _inner.ResolveMissingAssemblies;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        _inner.ResolveMissingAssembly(definition, referenceIdentity);

    public override bool Equals(object? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => BaseDirectory.GetHashCode(StringComparison.Ordinal);
}
