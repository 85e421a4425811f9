using PuppeteerSharp;

namespace Blink.Workbench.Tests.Browser;

/// <summary>
/// Opens a local HTML file in headless Chromium with the network off and reports what happened: console errors,
/// the rendered DOM, element counts (e.g. plotly's ".plot-container" per drawn plot) and a screenshot. Driven by
/// PuppeteerSharp on the machine's own Chromium (nothing is downloaded). The whole check has one timeout; the browser
/// and its fresh profile are gone at the end, whatever happened.
/// </summary>
public sealed class HeadlessBrowser
{
    /// <summary>Flags from the project's environment notes, plus a blocked DNS resolver.</summary>
    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-default-browser-check", "--disable-extensions",
        "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--disable-dev-shm-usage",
        // Network off: no host name resolves (DevTools traffic goes to a literal 127.0.0.1, unaffected). Quoted,
        // because PuppeteerSharp hands the flags to the process as one command line.
        "--host-resolver-rules=\"MAP * ~NOTFOUND\"",
    ];

    public HeadlessBrowser(string executablePath)
    {
        ExecutablePath = executablePath;
    }

    public string ExecutablePath { get; }

    /// <summary>
    /// The Chromium/Chrome executable: $BLINK_CHROMIUM, else chromium, chromium-browser, google-chrome(-stable) on
    /// PATH; null if none (run eng/ensure-chromium.sh to install Debian's chromium).
    /// </summary>
    public static string? FindExecutable()
    {
        var explicitPath = Environment.GetEnvironmentVariable("BLINK_CHROMIUM");
        if (!string.IsNullOrEmpty(explicitPath) && File.Exists(explicitPath)) return explicitPath;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome" })
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>Opens <paramref name="htmlPath"/> with the browser found by <see cref="FindExecutable"/>.</summary>
    public static Task<BrowserPageResult> CheckPageAsync(string htmlPath, BrowserPageOptions? options = null, CancellationToken cancellationToken = default)
    {
        var exe = FindExecutable() ?? throw new InvalidOperationException(
            "No Chromium found. Install it with eng/ensure-chromium.sh (as root on Debian/Ubuntu) or set BLINK_CHROMIUM to a chromium/chrome executable.");
        return new HeadlessBrowser(exe).OpenAsync(htmlPath, options, cancellationToken);
    }

    /// <summary>Opens a local HTML file and inspects it (see type summary). Throws <see cref="TimeoutException"/> when the check runs past its timeout.</summary>
    public async Task<BrowserPageResult> OpenAsync(string htmlPath, BrowserPageOptions? options = null, CancellationToken cancellationToken = default)
    {
        var o = options ?? new BrowserPageOptions();
        var file = Path.GetFullPath(htmlPath);
        if (!File.Exists(file)) throw new FileNotFoundException("Page to open does not exist.", file);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.Timeout);
        try
        {
            return await InspectAsync(file, o, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Headless Chromium check of '{file}' exceeded {o.Timeout.TotalSeconds:0} s.");
        }
    }

    private async Task<BrowserPageResult> InspectAsync(string file, BrowserPageOptions o, CancellationToken ct)
    {
        var launch = new LaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = [.. Flags, $"--window-size={o.ViewportWidth},{o.ViewportHeight}"],
            Timeout = (int)Math.Min(int.MaxValue, o.Timeout.TotalMilliseconds),
            DefaultViewport = new ViewPortOptions { Width = o.ViewportWidth, Height = o.ViewportHeight },
        };
        await using var browser = await Puppeteer.LaunchAsync(launch).ConfigureAwait(false);
        await using var page = await browser.NewPageAsync().ConfigureAwait(false);

        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, e) =>
        {
            string type = e.Message.Type.ToString().ToLowerInvariant();
            messages.Enqueue($"{type}: {e.Message.Text}");
            if (e.Message.Type is ConsoleType.Error or ConsoleType.Assert)
                errors.Enqueue("console.error: " + e.Message.Text + (e.Message.Location?.URL is { Length: > 0 } url ? " " + url : ""));
        };
        page.PageError += (_, e) => errors.Enqueue("uncaught: " + e.Message);
        page.Request += (_, e) =>
        {
            var url = e.Request.Url;
            if (!(url.StartsWith("file:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal)
                  || url.StartsWith("blob:", StringComparison.Ordinal) || url.StartsWith("about:", StringComparison.Ordinal)))
                requests.Enqueue(url);
        };
        // Belt and braces with the resolver rule: the page itself is offline.
        await page.SetOfflineModeAsync(true).ConfigureAwait(false);

        bool settled = false;
        var counts = new Dictionary<string, int>();
        try
        {
            await page.GoToAsync(new Uri(file).AbsoluteUri, new NavigationOptions
            {
                WaitUntil = [WaitUntilNavigation.Load],
                Timeout = (int)Math.Min(int.MaxValue, o.Timeout.TotalMilliseconds),
            }).WaitAsync(ct).ConfigureAwait(false);
            // Wait until the counted elements stop changing (plots draw after the load event) and any expectation holds.
            var stableSince = System.Diagnostics.Stopwatch.StartNew();
            string last = "";
            while (true)
            {
                counts = await CountAsync(page, o.CountSelectors, o.ExpectedSelector).ConfigureAwait(false);
                string now = string.Join(",", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
                if (now != last) { last = now; stableSince.Restart(); }
                bool expectationMet = o.ExpectedSelector is null || counts[o.ExpectedSelector] >= o.ExpectedCount;
                if (expectationMet && stableSince.Elapsed >= o.SettleTime) { settled = true; break; }
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or PuppeteerSharp.NavigationException && ct.IsCancellationRequested)
        {
            // Out of time waiting for the page: report what there is, marked as not settled.
        }
        if (!settled && counts.Count == 0)
            counts = await CountAsync(page, o.CountSelectors, o.ExpectedSelector).ConfigureAwait(false);

        string dom = o.CaptureDom ? await page.EvaluateExpressionAsync<string>("document.documentElement.outerHTML").ConfigureAwait(false) : "";
        int scrollWidth = await page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth").ConfigureAwait(false);
        int innerWidth = await page.EvaluateExpressionAsync<int>("window.innerWidth").ConfigureAwait(false);
        var evaluations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, expression) in o.Evaluate)
            evaluations[name] = await page.EvaluateExpressionAsync<string>("JSON.stringify(" + expression + ")").ConfigureAwait(false) ?? "null";
        byte[]? screenshot = null;
        if (o.Screenshot)
        {
            if (o.FullPageScreenshot)
            {
                int height = await page.EvaluateExpressionAsync<int>(
                    "Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)").ConfigureAwait(false);
                await page.SetViewportAsync(new ViewPortOptions
                {
                    Width = o.ViewportWidth, Height = Math.Clamp(height, o.ViewportHeight, o.MaxScreenshotHeight),
                }).ConfigureAwait(false);
            }
            screenshot = await page.ScreenshotDataAsync(new ScreenshotOptions { Type = ScreenshotType.Png }).ConfigureAwait(false);
        }
        return new BrowserPageResult
        {
            ConsoleErrors = errors.ToArray(),
            ConsoleMessages = messages.ToArray(),
            NetworkRequests = requests.ToArray(),
            SelectorCounts = counts,
            Dom = dom,
            Screenshot = screenshot,
            Settled = settled,
            DocumentScrollWidth = scrollWidth,
            ViewportWidth = innerWidth,
            Evaluations = evaluations,
        };
    }

    private static async Task<Dictionary<string, int>> CountAsync(IPage page, IReadOnlyList<string> selectors, string? expected)
    {
        var all = selectors.Append(expected).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        string expression = System.Text.Json.JsonSerializer.Serialize(all) + ".map(function(s){return document.querySelectorAll(s).length;})";
        var numbers = await page.EvaluateExpressionAsync<int[]>(expression).ConfigureAwait(false) ?? [];
        return all.Select((s, i) => (s, n: i < numbers.Length ? numbers[i] : 0)).ToDictionary(t => t.s, t => t.n, StringComparer.Ordinal);
    }
}
