namespace Blink.Notebooks.Execution;

/// <summary>
/// A <c>#r "nuget: Id[, Version]"</c> directive, parsed like the kernel's PackageReference.TryParse: the value must
/// start with "nuget:", the rest is split on the first comma and both parts are trimmed. Version is null when absent.
/// </summary>
internal sealed record PackageReference(string Id, string? Version)
{
    public const string Prefix = "nuget:";

    public static bool TryParse(string value, out PackageReference? reference)
    {
        reference = null;
        var text = value.Trim().Trim('"').Trim();
        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var parts = text[Prefix.Length..].Split(',', 2);
        var id = parts[0].Trim();
        if (id.Length == 0) return false;
        var version = parts.Length > 1 ? parts[1].Trim() : null;
        reference = new PackageReference(id, string.IsNullOrEmpty(version) ? null : version);
        return true;
    }

    public bool IsWildcard => Version is not null && Version.Contains('*');

    public override string ToString() => Version is null ? Id : $"{Id}, {Version}";
}
