using Blink.Workbench.Imaging;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>The harness itself: it must see each kind of violation, and its image mutations must reach the decoder.</summary>
public sealed class FuzzHarnessTests
{
    private static FuzzFormat Fake(Action<string> parse) =>
        new("fake", FuzzStructure.Json, () => ["{}"u8.ToArray()], "fake.json", parse, e => e is InvalidDataException);

    private static string? Check(Action<string> parse)
    {
        var format = Fake(parse);
        var work = FuzzHarness.NewWorkFolder(format);
        try
        {
            return FuzzHarness.Violation(format, work, "{}"u8.ToArray());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void A_result_or_the_formats_own_error_naming_the_file_passes()
    {
        Assert.Null(Check(_ => { }));
        Assert.Null(Check(path => throw new InvalidDataException($"{path}: broken")));
    }

    [Fact]
    public void Another_exception_an_unnamed_file_or_a_large_allocation_is_a_violation()
    {
        Assert.Contains("unhandled System.NullReferenceException", Check(_ => throw new NullReferenceException()));
        Assert.Contains("does not name fake.json", Check(_ => throw new InvalidDataException("broken")));
        Assert.Contains("allocated", Check(_ => GC.KeepAlive(new byte[80_000_000])));
    }

    [Fact]
    public void Image_size_mutations_keep_the_header_valid_so_the_pixel_limit_is_what_refuses()
    {
        int side = Array.IndexOf(ImageHeaders.Sides, 8193L);
        foreach (var (name, seed) in new[] { ImageSeeds.Png(), ImageSeeds.Bmp(), ImageSeeds.Gif(), ImageSeeds.Jpeg(), ImageSeeds.WebP() }
                     .SelectMany((seeds, i) => seeds.Select((s, j) => ($"format {i} seed {j}", s))))
        {
            var bytes = new Mutation(MutationKind.ImageSize, side, side).Apply(seed, FuzzStructure.Image);
            Assert.True(TryReadSize(bytes) == (8193, 8193), $"{name}: header reads as {TryReadSize(bytes)}");
            var error = Assert.Throws<ImageLoadException>(() => ImageLoader.FromBytes(bytes, "big"));
            Assert.Contains("64-megapixel limit", error.Message);
        }
    }

    private static (int, int)? TryReadSize(byte[] bytes)
    {
        try
        {
            return ImageLoader.ReadSize(bytes);
        }
        catch (ImageLoadException)
        {
            return null;
        }
    }
}
