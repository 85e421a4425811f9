using System.Text.RegularExpressions;

namespace Blink.Workbench.Tests.Docs;

/// <summary>
/// The README stays a newcomer's page (short, the two commands and the findings up front), and every relative link in
/// the README and docs/ leads to a file that exists and, with a #fragment, to a heading in it.
/// </summary>
public class ReadmeAndDocsTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Readme_IsShort_AndOpensWithTheCommands_TheReportPicture_AndTheFindings()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        Assert.True(lines.Length <= 150, $"README.md has {lines.Length} lines; the reference belongs in docs/ (at most 150).");
        var head = string.Join("\n", lines.Take(25)); // about the first screen of the rendered page
        Assert.Contains("./build.sh run", head);
        Assert.Contains("./build.sh test", head);
        Assert.Contains("](docs/report-screenshot.png)", head);
        Assert.True(File.Exists(Path.Combine(Root, "docs", "report-screenshot.png")));
        int findings = Array.IndexOf(lines, "## Findings");
        Assert.InRange(findings, 1, 60);
    }

    [Fact]
    public void RelativeLinks_InTheReadmeAndDocs_Resolve()
    {
        var pages = new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))).ToList();
        Assert.True(pages.Count >= 7, $"only {pages.Count} pages");
        var broken = new List<string>();
        foreach (var page in pages)
        {
            var text = File.ReadAllText(Path.Combine(Root, page));
            foreach (Match m in Regex.Matches(text, @"\]\(([^)\s]+)\)"))
            {
                var link = m.Groups[1].Value;
                if (Regex.IsMatch(link, "^[a-z]+:")) continue; // http:, mailto:
                var hash = link.IndexOf('#');
                var path = hash >= 0 ? link[..hash] : link;
                var fragment = hash >= 0 ? link[(hash + 1)..] : null;
                var target = path.Length == 0 ? Path.Combine(Root, page) : Path.GetFullPath(Path.Combine(Root, Path.GetDirectoryName(page)!, path));
                if (!File.Exists(target) && !Directory.Exists(target)) { broken.Add($"{page}: {link} (no such file)"); continue; }
                if (fragment is not null && target.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(target)).Contains(fragment))
                    broken.Add($"{page}: {link} (no such heading)");
            }
        }
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join("\n", broken));
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped (hyphens kept), spaces to hyphens.</summary>
    internal static HashSet<string> Anchors(string markdown) => Regex.Matches(markdown, @"^#{1,6} (.+)$", RegexOptions.Multiline)
        .Select(m => Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant().Replace("`", ""), @"[^\p{L}\p{N}_\- ]", "").Replace(' ', '-'))
        .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Anchors_FollowGitHubsRule() =>
        Assert.Equal(["the-testbeds-headroom--bash-engheadroomsh", "at-scale-one-job-per-gpu-then-merge"],
            Anchors("## The testbed's headroom — `bash eng/headroom.sh`\n## At scale: one job per GPU, then merge\n").ToArray());

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Blink.Workbench.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Blink.Workbench.sln not found above {AppContext.BaseDirectory}.");
    }
}
