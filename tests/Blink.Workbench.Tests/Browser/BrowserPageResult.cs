namespace Blink.Workbench.Tests.Browser;

/// <summary>What a headless browser saw when it opened a page.</summary>
public sealed record BrowserPageResult
{
    /// <summary>console.error calls, uncaught exceptions and browser log entries of level error.</summary>
    public required IReadOnlyList<string> ConsoleErrors { get; init; }

    /// <summary>All console messages, "type: text".</summary>
    public required IReadOnlyList<string> ConsoleMessages { get; init; }

    /// <summary>Requests to anything but file:, data:, blob: or about: — an offline page makes none (they were blocked).</summary>
    public required IReadOnlyList<string> NetworkRequests { get; init; }

    /// <summary>Element count per selector of <see cref="BrowserPageOptions.CountSelectors"/>, after the page settled.</summary>
    public required IReadOnlyDictionary<string, int> SelectorCounts { get; init; }

    /// <summary>The rendered DOM, or "" if not captured.</summary>
    public required string Dom { get; init; }

    /// <summary>PNG screenshot bytes, or null.</summary>
    public byte[]? Screenshot { get; init; }

    /// <summary>True when the load event fired and the page settled before the timeout.</summary>
    public required bool Settled { get; init; }

    /// <summary>document.documentElement.scrollWidth after the page settled: wider than <see cref="ViewportWidth"/> means a horizontal scroll bar.</summary>
    public int DocumentScrollWidth { get; init; }

    /// <summary>window.innerWidth after the page settled.</summary>
    public int ViewportWidth { get; init; }

    /// <summary>JSON text of each <see cref="BrowserPageOptions.Evaluate"/> expression's value, by name.</summary>
    public IReadOnlyDictionary<string, string> Evaluations { get; init; } = new Dictionary<string, string>();

    public int Count(string selector) => SelectorCounts.TryGetValue(selector, out var n) ? n : throw new KeyNotFoundException(
        $"Selector '{selector}' was not counted; add it to BrowserPageOptions.CountSelectors.");
}
