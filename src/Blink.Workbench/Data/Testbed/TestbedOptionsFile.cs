using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Blink.Workbench.Data.Testbed;

/// <summary>
/// <see cref="TestbedOptions"/> as a JSON file (the <c>options.json</c> that <see cref="TestbedWriter.WriteDataset"/>
/// leaves beside a written testbed), so a variant of the testbed can be named by one file on the command line and a
/// written folder says how it was made. Keys are the option names; missing keys keep their defaults.
/// </summary>
public static class TestbedOptionsFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A misspelt knob silently falling back to its default would make a different testbed than the user meant.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static void Save(TestbedOptions options, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        File.WriteAllText(path, JsonSerializer.Serialize(options, Json) + "\n", new UTF8Encoding(false));
    }

    /// <summary>Reads and validates a file; every failure names the file, and the key or option where known.</summary>
    public static TestbedOptions Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Testbed options file {path} does not exist.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads and validates options given as JSON text; <paramref name="source"/> names it in every error.</summary>
    public static TestbedOptions Parse(string json, string source)
    {
        TestbedOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<TestbedOptions>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid testbed options ({e.Message}).", e);
        }
        if (options is null) throw new InvalidDataException($"{source}: expected a JSON object of testbed options, found null.");
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{source}: {e.Message}", e);
        }
        return options;
    }
}
