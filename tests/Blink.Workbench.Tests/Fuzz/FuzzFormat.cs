namespace Blink.Workbench.Tests.Fuzz;

/// <summary>How a format's bytes are structured, so mutations can also work above the byte level.</summary>
public enum FuzzStructure
{
    Binary,
    Json,
    JsonLines,
    /// <summary>8-byte length, JSON header, data: JSON mutations rewrite the header and its length.</summary>
    Safetensors,
    Image,
}

/// <summary>
/// One input format the workbench reads from strangers. <see cref="Parse"/> reads the file at the path it is given
/// the way the workbench does (sibling files laid down by <see cref="Prepare"/> stay valid). The property every
/// mutated input must satisfy: <see cref="Parse"/> returns, or throws an exception <see cref="IsOwnError"/> accepts
/// whose message names the file; never anything else, and never more managed allocation than <see cref="AllocationBound"/>.
/// </summary>
public sealed record FuzzFormat(
    string Name,
    FuzzStructure Structure,
    Func<IReadOnlyList<byte[]>> Seeds,
    string FileName,
    Action<string> Parse,
    Func<Exception, bool> IsOwnError,
    Action<string>? Prepare = null)
{
    /// <summary>Managed bytes one parse may allocate: every input is a few kilobytes, so this is far above any honest parse.</summary>
    public long AllocationBound { get; init; } = 64L * 1024 * 1024;

    public override string ToString() => Name;
}
