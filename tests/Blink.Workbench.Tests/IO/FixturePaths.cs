namespace Blink.Workbench.Tests.IO;

/// <summary>Locates the committed fixtures by walking up from the test assembly to the repository root.</summary>
internal static class FixturePaths
{
    public static string LlavaTinyHf => Find(Path.Combine("tests", "fixtures", "llava-tiny-hf"));

    public static string LlavaTinyHfGolden => Path.Combine(LlavaTinyHf, "golden");

    private static string Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"Fixture folder '{relative}' not found above {AppContext.BaseDirectory}");
    }
}
