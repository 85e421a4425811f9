namespace Blink.Workbench.Tests.Browser;

/// <summary>How <see cref="HeadlessBrowser"/> opens and inspects a page.</summary>
public sealed record BrowserPageOptions
{
    public int ViewportWidth { get; init; } = 1280;
    public int ViewportHeight { get; init; } = 900;

    /// <summary>Upper bound for the whole check, browser start to screenshot. The browser is killed when it runs out.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The page counts as drawn when the selector counts have not changed for this long after the load event.</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromMilliseconds(600);

    /// <summary>CSS selectors whose element counts are reported (plotly draws ".plot-container" once per plot).</summary>
    public IReadOnlyList<string> CountSelectors { get; init; } = [".plot-container", ".main-svg", "img"];

    /// <summary>Optional: keep waiting (up to the timeout) until this many elements match <see cref="ExpectedSelector"/>.</summary>
    public string? ExpectedSelector { get; init; }
    public int ExpectedCount { get; init; }

    /// <summary>
    /// JavaScript expressions evaluated after the page settled (before any screenshot resizes the viewport), by name;
    /// each result comes back as JSON text in <see cref="BrowserPageResult.Evaluations"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Evaluate { get; init; } = new Dictionary<string, string>();

    /// <summary>Screenshot the whole page (true) or only the first screen, the viewport as the reader first sees it (false).</summary>
    public bool FullPageScreenshot { get; init; } = true;

    /// <summary>Take a PNG screenshot of the whole page (up to <see cref="MaxScreenshotHeight"/> pixels tall).</summary>
    public bool Screenshot { get; init; } = true;
    public int MaxScreenshotHeight { get; init; } = 12000;

    /// <summary>Also return the rendered DOM (document.documentElement.outerHTML, after scripts ran).</summary>
    public bool CaptureDom { get; init; } = true;
}
