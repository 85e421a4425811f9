namespace Blink.Workbench.Data.Testbed;

/// <summary>Dataset split; each split draws its scenes from its own seed stream, so the splits never share a scene.</summary>
public enum TestbedSplit
{
    Train,
    Val,
    Test,
}

public static class TestbedSplitNames
{
    public static string Name(this TestbedSplit split) => split switch
    {
        TestbedSplit.Train => "train",
        TestbedSplit.Val => "val",
        TestbedSplit.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };

    public static TestbedSplit Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "train" => TestbedSplit.Train,
        "val" or "validation" => TestbedSplit.Val,
        "test" => TestbedSplit.Test,
        _ => throw new ArgumentException($"Unknown testbed split '{name}'; expected train, val or test.", nameof(name)),
    };
}
