using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Blink.Workbench.Tests.Docs;

/// <summary>
/// The project's texts speak of the project (what it is, how to use it, what it measured), not of how it was built:
/// the word "session" as in "session 11" or "this session" stays out of README.md, docs/, notebooks/, src/ and
/// tests/. Technical uses are allowed: a C# identifier in code (a DevTools protocol session,
/// the notebook runner's ScriptSession) and prose about a DevTools, HTTP, WebSocket, kernel or notebook script session.
/// </summary>
public class ProjectWordingTests
{
    private static readonly string[] Roots = ["README.md", "docs", "notebooks", "src", "tests"];

    private static readonly string[] TextExtensions = [".md", ".cs", ".ipynb", ".py", ".sh", ".json", ".csproj", ".props", ".txt", ".yml", ".yaml", ".dib", ".html"];

    private static readonly Regex Word = new(@"(?<!\w)sessions?(?!\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>Prose that names a technical session, not a stretch of the project's history.</summary>
    private static readonly Regex Technical = new(
        @"devtools|\bhttp|websocket|kernel|notebook session|script session|session per notebook|session state|sessionid",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>This file names the word to look for it.</summary>
    private const string Self = "tests/Blink.Workbench.Tests/Docs/ProjectWordingTests.cs";

    [Fact]
    public void Session_AppearsNowhere_ButInTechnicalUses()
    {
        var root = RepoRoot();
        var files = ProjectFiles(root).Where(f => f != Self).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} files found under {root}: the scan is not looking at the project");
        Assert.Contains("README.md", files);
        Assert.Contains(files, f => f.StartsWith("docs/", StringComparison.Ordinal));
        var hits = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(Path.Combine(root, file));
            if (text.Contains('\0')) continue; // binary
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
                if (Offends(lines[i], file.EndsWith(".cs", StringComparison.Ordinal)))
                    hits.Add($"{file}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.True(hits.Count == 0,
            "The project's texts speak of the project, not its history; reword these (\"session\" as a stretch of work):\n" + string.Join("\n", hits));
    }

    [Theory]
    [InlineData("Session 11 drew the object at 0.60–0.85 tokens.", false, true)]
    [InlineData("This session's profile is in docs/performance.md.", false, true)]
    [InlineData("the session-10 testbed", false, true)]
    [InlineData("    /// separate blobs (docs/testbed.md, session 7).", true, true)]
    [InlineData("        var d = new Option<bool>(\"--x\") { Description = \"the recipe before session 10\" };", true, true)]
    [InlineData("        await cdp.SendAsync(domain, null, session, ct);", true, false)]
    [InlineData("            var session = new ScriptSession(dir, formatter);", true, false)]
    [InlineData("Opens a DevTools session on the page.", false, false)]
    [InlineData("the notebook session cannot continue after a timed-out cell", false, false)]
    [InlineData("the design of sessions 4–6", false, true)]
    [InlineData("sessionId and sessionless are other words", false, false)]
    public void Detector_FlagsHistoryWording_AndLetsTechnicalUsesThrough(string line, bool csharp, bool offends) =>
        Assert.Equal(offends, Offends(line, csharp));

    /// <summary>
    /// Whether a line uses the word as prose about the project's history. In C#, identifiers in code are technical;
    /// comments and string literals are prose and are checked like Markdown.
    /// </summary>
    internal static bool Offends(string line, bool csharp)
    {
        if (!Word.IsMatch(line)) return false;
        var prose = csharp ? CSharpProse(line) : line;
        return Word.IsMatch(prose) && !Technical.IsMatch(prose);
    }

    /// <summary>The comment and string-literal text of a line of C# (a whole-line comment, a trailing comment, "…" literals).</summary>
    private static string CSharpProse(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith('*') || trimmed.StartsWith("/*", StringComparison.Ordinal)) return line;
        var parts = new List<string>();
        foreach (Match m in Regex.Matches(line, "\"(?:[^\"\\\\]|\\\\.)*\"")) parts.Add(m.Value);
        var code = Regex.Replace(line, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        int comment = code.IndexOf("//", StringComparison.Ordinal);
        if (comment >= 0) parts.Add(code[comment..]);
        return string.Join(" ", parts);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Blink.Workbench.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Blink.Workbench.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>The project's files under the roots (git ls-files: tracked and new, not ignored), or, without git, every text file there outside bin/ and obj/.</summary>
    private static List<string> ProjectFiles(string root)
    {
        if (Path.Exists(Path.Combine(root, ".git")) && GitFiles(root) is { } tracked) return tracked;
        return Roots.SelectMany(r =>
        {
            var path = Path.Combine(root, r);
            if (File.Exists(path)) return [r];
            if (!Directory.Exists(path)) return [];
            return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(f => !Regex.IsMatch(f, "(^|/)(bin|obj|\\.[^/]+)/"));
        }).Where(f => TextExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).ToList();
    }

    private static List<string>? GitFiles(string root)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--" }.Concat(Roots)) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) return null;
            return output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Where(f => TextExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) && File.Exists(Path.Combine(root, f))).ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on PATH
        }
    }
}
