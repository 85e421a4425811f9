namespace Blink.Workbench.Models;

internal static class ConfigGuard
{
    public static void Positive(string source, string key, int value)
    {
        if (value <= 0) throw new InvalidDataException($"{source}: {key} must be positive, got {value}.");
    }
}
