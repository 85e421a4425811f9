using System.Text.RegularExpressions;
using Blink.Notebooks.Documents;

namespace Blink.Notebooks.Execution;

/// <summary>
/// Handles what the kernel's SubmissionParser handles before C# sees a cell. Directives count only at the start of a
/// line: <c>#r "nuget:..."</c> (hoisted by the kernel, so allowed anywhere), <c>#i "..."</c> (package sources),
/// <c>#!</c> magics and kernel selectors. <c>#r "path"</c> stays in the text for Roslyn, which enforces its placement
/// (CS7009) exactly as the kernel does.
/// </summary>
internal static partial class CellDirectives
{
    public static PreparedCell Prepare(NotebookDocument notebook, string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var packages = new List<PackageReference>();
        var assemblies = new List<string>();
        var warnings = new List<string>();
        var timed = false;
        string? unsupported = null;

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                var name = line[2..].Trim().Split(' ', 2)[0];
                if (KernelNames.TryResolveAlias(notebook, name, out var kernel))
                {
                    // A kernel selector: harmless for C# on the first line, a switch to another kernel otherwise.
                    if (kernel != KernelNames.CSharp)
                        unsupported ??= $"line {i + 1} switches to the '{name}' kernel, which is not supported by the headless runner (only C# and markdown cells are)";
                    else if (i > 0)
                        unsupported ??= $"line {i + 1}: a '#!{name}' kernel selector is only allowed on the first line";
                }
                else if (name == "time") timed = true;
                else unsupported ??= $"line {i + 1}: the magic command '#!{name}' is not supported by the headless runner (only #!time is)";
                lines[i] = "";
            }
            else if (Directive().Match(line) is { Success: true } match)
            {
                var value = match.Groups["value"].Value;
                if (match.Groups["kind"].Value == "i")
                {
                    warnings.Add($"line {i + 1}: '#i {value}' ignored: the headless runner does not restore packages from feeds");
                    lines[i] = "";
                }
                else if (PackageReference.TryParse(value, out var package))
                {
                    packages.Add(package!);
                    lines[i] = "";
                }
                else assemblies.Add(value.Trim().Trim('"'));
            }
        }

        return new PreparedCell(string.Join("\n", lines), packages, assemblies, timed, warnings, unsupported);
    }

    [GeneratedRegex("""^#(?<kind>[ri])\s+(?<value>"[^"]*")""")]
    private static partial Regex Directive();
}
