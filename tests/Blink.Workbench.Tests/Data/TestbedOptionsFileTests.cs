using Blink.Workbench.Data.Testbed;

namespace Blink.Workbench.Tests.Data;

public sealed class TestbedOptionsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blink-testbed-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "options.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Saved_options_load_back_equal_and_generate_the_same_samples()
    {
        var options = new TestbedOptions { Seed = 7, Categories = ["count", "digit"], QuadrantCountShare = 0.5, CountMax = 3 };
        var path = Path.Combine(_dir, "saved.json");
        TestbedOptionsFile.Save(options, path);
        var loaded = TestbedOptionsFile.Load(path);
        Assert.Equal(options.Categories, loaded.Categories);
        Assert.Equal(options with { Categories = loaded.Categories }, loaded);
        using var a = new TestbedGenerator(options).Generate(TestbedSplit.Val, 3);
        using var b = new TestbedGenerator(loaded).Generate(TestbedSplit.Val, 3);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a.Scene), System.Text.Json.JsonSerializer.Serialize(b.Scene));
    }

    [Fact]
    public void Missing_keys_keep_defaults()
    {
        var loaded = TestbedOptionsFile.Load(Write("{ \"seed\": 5 }"));
        Assert.Equal(new TestbedOptions { Seed = 5 } with { Categories = loaded.Categories }, loaded);
        Assert.Equal(TestbedVocabulary.Categories, loaded.Categories);
    }

    [Theory]
    [InlineData("{ \"QuadrantShare\": 0.5 }", "QuadrantShare")] // misspelt key
    [InlineData("{ \"CountMax\": \"four\" }", "CountMax")]      // value of the wrong type
    public void A_bad_key_or_value_type_is_named(string json, string key)
    {
        var path = Write(json);
        var e = Assert.Throws<InvalidDataException>(() => TestbedOptionsFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void An_impossible_option_names_the_file_option_and_value()
    {
        var path = Write("{ \"QuadrantCountShare\": 2 }");
        var e = Assert.Throws<ArgumentException>(() => TestbedOptionsFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("TestbedOptions.QuadrantCountShare = 2", e.Message);
    }

    [Fact]
    public void A_missing_or_truncated_file_is_named()
    {
        var missing = Path.Combine(_dir, "nope.json");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => TestbedOptionsFile.Load(missing)).Message);
        var truncated = Write("{ \"Seed\": 5, \"Count");
        Assert.Contains(truncated, Assert.Throws<InvalidDataException>(() => TestbedOptionsFile.Load(truncated)).Message);
    }

    [Fact]
    public void A_written_dataset_records_the_options_it_was_made_with()
    {
        var options = new TestbedOptions { Seed = 11, Categories = ["color"] };
        TestbedWriter.WriteDataset(new TestbedGenerator(options), _dir, 1, 1, 2);
        var loaded = TestbedOptionsFile.Load(Path.Combine(_dir, TestbedWriter.OptionsFile));
        Assert.Equal(11, loaded.Seed);
        Assert.Equal(["color"], loaded.Categories);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_dir, "test", TestbedWriter.QuestionsFile)).Length);
    }
}
