using Blink.Workbench.Plots;
using SkiaSharp;
using Blink.Workbench.Imaging;

namespace Blink.Workbench.Tests.Plots;

/// <summary>Where plot tests leave their PNG/HTML output for people to look at ($BLINK_TEST_ARTIFACTS or a temp folder).</summary>
internal static class PlotArtifacts
{
    public static string Directory { get; } = CreateDirectory();

    private static string CreateDirectory()
    {
        var root = Environment.GetEnvironmentVariable("BLINK_TEST_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "blink-test-artifacts");
        var dir = Path.Combine(root, "plots");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static void Save(SKBitmap bitmap, string name) => PngEncoding.Save(bitmap, PathOf(name));
}
