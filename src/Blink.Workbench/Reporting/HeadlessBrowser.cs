using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Reporting;

/// <summary>
/// Opens a local HTML file in headless Chromium with the network off and reports what happened: console errors,
/// the rendered DOM, element counts (e.g. plotly's ".plot-container" per drawn plot) and a screenshot. Talks the
/// DevTools protocol over a WebSocket (no extra packages). Every step has a timeout; the browser's process tree is
/// killed and its fresh profile directory deleted at the end, whatever happened.
/// </summary>
public sealed class HeadlessBrowser
{
    /// <summary>Flags from the project's environment notes, plus the DevTools port and a blocked DNS resolver.</summary>
    private static readonly string[] BaseFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-default-browser-check", "--disable-extensions",
        "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--disable-dev-shm-usage",
        // Network off: no host name resolves (DevTools traffic goes to a literal 127.0.0.1, unaffected).
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--remote-debugging-port=0",
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

    /// <summary>Opens a local HTML file and inspects it (see type summary). Throws <see cref="TimeoutException"/> if the browser never becomes reachable.</summary>
    public async Task<BrowserPageResult> OpenAsync(string htmlPath, BrowserPageOptions? options = null, CancellationToken cancellationToken = default)
    {
        var o = options ?? new BrowserPageOptions();
        var file = Path.GetFullPath(htmlPath);
        if (!File.Exists(file)) throw new FileNotFoundException("Page to open does not exist.", file);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.Timeout);
        var ct = timeout.Token;

        var profile = Directory.CreateTempSubdirectory("blink-chromium-");
        var stderrTail = new ConcurrentQueue<string>();
        var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var psi = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var flag in BaseFlags) psi.ArgumentList.Add(flag);
        psi.ArgumentList.Add($"--user-data-dir={profile.FullName}");
        psi.ArgumentList.Add($"--window-size={o.ViewportWidth},{o.ViewportHeight}");
        psi.ArgumentList.Add("about:blank");

        Process? process = null;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start '{ExecutablePath}'.");
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                stderrTail.Enqueue(e.Data);
                while (stderrTail.Count > 40) stderrTail.TryDequeue(out string? _);
                const string marker = "DevTools listening on ";
                int at = e.Data.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0) endpoint.TrySetResult(e.Data[(at + marker.Length)..].Trim());
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var exited = process.WaitForExitAsync(ct);

            var first = await Task.WhenAny(endpoint.Task, exited, Task.Delay(Timeout.Infinite, ct)).ConfigureAwait(false);
            if (first != endpoint.Task)
            {
                var reason = process.HasExited ? $"exited with code {process.ExitCode}" : "timed out";
                throw new TimeoutException($"Chromium did not open its DevTools endpoint ({reason}). Last stderr lines:\n" + string.Join("\n", stderrTail));
            }

            await using var cdp = await DevToolsConnection.ConnectAsync(new Uri(endpoint.Task.Result), ct).ConfigureAwait(false);
            return await InspectAsync(cdp, file, o, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Headless Chromium check of '{file}' exceeded {o.Timeout.TotalSeconds:0} s. Last stderr lines:\n" + string.Join("\n", stderrTail));
        }
        finally
        {
            Kill(process);
            TryDelete(profile);
        }
    }

    private static async Task<BrowserPageResult> InspectAsync(DevToolsConnection cdp, string file, BrowserPageOptions o, CancellationToken ct)
    {
        var target = await cdp.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, null, ct).ConfigureAwait(false);
        var attached = await cdp.SendAsync("Target.attachToTarget",
            new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, null, ct).ConfigureAwait(false);
        string session = attached["sessionId"]!.GetValue<string>();

        var errors = new ConcurrentQueue<string>();
        var messages = new ConcurrentQueue<string>();
        var requests = new ConcurrentQueue<string>();
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.OnEvent = (method, sessionId, p) =>
        {
            if (sessionId != session) return;
            switch (method)
            {
                case "Runtime.consoleAPICalled":
                    string type = p["type"]?.GetValue<string>() ?? "log";
                    string text = string.Join(" ", (p["args"] as JsonArray ?? []).Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString() ?? a?["type"]?.ToString() ?? ""));
                    messages.Enqueue($"{type}: {text}");
                    if (type is "error" or "assert") errors.Enqueue("console.error: " + text);
                    break;
                case "Runtime.exceptionThrown":
                    var details = p["exceptionDetails"];
                    errors.Enqueue("uncaught: " + (details?["exception"]?["description"]?.ToString() ?? details?["text"]?.ToString() ?? "exception"));
                    break;
                case "Log.entryAdded":
                    var entry = p["entry"];
                    if (entry?["level"]?.GetValue<string>() == "error")
                        errors.Enqueue($"log: {entry["text"]} {entry["url"]}".TrimEnd());
                    break;
                case "Network.requestWillBeSent":
                    var url = p["request"]?["url"]?.GetValue<string>() ?? "";
                    if (!(url.StartsWith("file:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal)
                          || url.StartsWith("blob:", StringComparison.Ordinal) || url.StartsWith("about:", StringComparison.Ordinal)))
                        requests.Enqueue(url);
                    break;
                case "Page.loadEventFired":
                    loaded.TrySetResult();
                    break;
            }
        };

        foreach (var domain in new[] { "Runtime.enable", "Log.enable", "Page.enable", "Network.enable" })
            await cdp.SendAsync(domain, null, session, ct).ConfigureAwait(false);
        // Belt and braces with the resolver rule: the page itself is offline.
        await cdp.SendAsync("Network.emulateNetworkConditions", new JsonObject
        {
            ["offline"] = true, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = -1,
        }, session, ct).ConfigureAwait(false);
        await SetViewportAsync(cdp, session, o.ViewportWidth, o.ViewportHeight, ct).ConfigureAwait(false);

        await cdp.SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(file).AbsoluteUri }, session, ct).ConfigureAwait(false);
        bool settled = false;
        var counts = new Dictionary<string, int>();
        try
        {
            await loaded.Task.WaitAsync(ct).ConfigureAwait(false);
            // Wait until the counted elements stop changing (plots draw after the load event) and any expectation holds.
            var stableSince = Stopwatch.StartNew();
            string last = "";
            while (true)
            {
                counts = await CountAsync(cdp, session, o.CountSelectors, o.ExpectedSelector, ct).ConfigureAwait(false);
                string now = string.Join(",", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
                if (now != last) { last = now; stableSince.Restart(); }
                bool expectationMet = o.ExpectedSelector is null || counts[o.ExpectedSelector] >= o.ExpectedCount;
                if (expectationMet && stableSince.Elapsed >= o.SettleTime) { settled = true; break; }
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Timed out waiting for the page: report what we have rather than nothing, marked as not settled.
            // Give the remaining calls a short budget of their own.
        }

        using var tail = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var tailCt = settled ? ct : tail.Token;
        if (!settled && counts.Count == 0)
            counts = await CountAsync(cdp, session, o.CountSelectors, o.ExpectedSelector, tailCt).ConfigureAwait(false);
        string dom = "";
        if (o.CaptureDom)
            dom = (await EvaluateAsync(cdp, session, "document.documentElement.outerHTML", tailCt).ConfigureAwait(false))?.GetValue<string>() ?? "";
        var scrollWidth = (int)((await EvaluateAsync(cdp, session, "document.documentElement.scrollWidth", tailCt).ConfigureAwait(false))?.GetValue<double>() ?? 0);
        var innerWidth = (int)((await EvaluateAsync(cdp, session, "window.innerWidth", tailCt).ConfigureAwait(false))?.GetValue<double>() ?? 0);
        var evaluations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, expression) in o.Evaluate)
            evaluations[name] = (await EvaluateAsync(cdp, session, "JSON.stringify(" + expression + ")", tailCt).ConfigureAwait(false))?.GetValue<string>() ?? "null";
        byte[]? screenshot = null;
        if (o.Screenshot)
        {
            if (o.FullPageScreenshot)
            {
                var height = (await EvaluateAsync(cdp, session, "Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)", tailCt).ConfigureAwait(false))?.GetValue<double>() ?? o.ViewportHeight;
                await SetViewportAsync(cdp, session, o.ViewportWidth, (int)Math.Clamp(height, o.ViewportHeight, o.MaxScreenshotHeight), tailCt).ConfigureAwait(false);
            }
            var shot = await cdp.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, session, tailCt).ConfigureAwait(false);
            screenshot = Convert.FromBase64String(shot["data"]!.GetValue<string>());
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

    private static Task SetViewportAsync(DevToolsConnection cdp, string session, int width, int height, CancellationToken ct) =>
        cdp.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
        }, session, ct);

    private static async Task<Dictionary<string, int>> CountAsync(DevToolsConnection cdp, string session, IReadOnlyList<string> selectors, string? expected, CancellationToken ct)
    {
        var all = selectors.Append(expected).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        string expression = "JSON.stringify(" + JsonSerializer.Serialize(all) + ".map(function(s){return document.querySelectorAll(s).length;}))";
        var value = await EvaluateAsync(cdp, session, expression, ct).ConfigureAwait(false);
        var numbers = JsonSerializer.Deserialize<int[]>(value?.GetValue<string>() ?? "[]") ?? [];
        return all.Select((s, i) => (s, n: i < numbers.Length ? numbers[i] : 0)).ToDictionary(t => t.s, t => t.n, StringComparer.Ordinal);
    }

    private static async Task<JsonNode?> EvaluateAsync(DevToolsConnection cdp, string session, string expression, CancellationToken ct)
    {
        var result = await cdp.SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, session, ct).ConfigureAwait(false);
        if (result["exceptionDetails"] is { } ex) throw new InvalidOperationException("Page script failed: " + ex.ToJsonString());
        return result["result"]?["value"];
    }

    private static void Kill(Process? process)
    {
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { /* already gone */ }
        catch (System.ComponentModel.Win32Exception) { /* already gone or not ours to kill */ }
        finally { process.Dispose(); }
    }

    private static void TryDelete(DirectoryInfo dir)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try { if (dir.Exists) dir.Delete(recursive: true); return; }
            catch (IOException) { Thread.Sleep(100); }
            catch (UnauthorizedAccessException) { Thread.Sleep(100); }
        }
    }

    /// <summary>A minimal DevTools protocol client: numbered commands with replies, events handed to <see cref="OnEvent"/>.</summary>
    private sealed class DevToolsConnection : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
        private readonly SemaphoreSlim _sendLock = new(1, 1);
        private readonly CancellationTokenSource _stop = new();
        private Task _receiveLoop = Task.CompletedTask;
        private int _nextId;

        public Action<string, string?, JsonObject>? OnEvent { get; set; }

        public static async Task<DevToolsConnection> ConnectAsync(Uri endpoint, CancellationToken ct)
        {
            var connection = new DevToolsConnection();
            await connection._socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
            connection._receiveLoop = Task.Run(connection.ReceiveLoopAsync);
            return connection;
        }

        public async Task<JsonObject> SendAsync(string method, JsonObject? parameters, string? sessionId, CancellationToken ct)
        {
            int id = Interlocked.Increment(ref _nextId);
            var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[id] = reply;
            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
            if (sessionId is not null) message["sessionId"] = sessionId;
            var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
            await _sendLock.WaitAsync(ct).ConfigureAwait(false);
            try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false); }
            finally { _sendLock.Release(); }
            try
            {
                var response = await reply.Task.WaitAsync(ct).ConfigureAwait(false);
                if (response["error"] is { } error) throw new InvalidOperationException($"DevTools {method} failed: {error.ToJsonString()}");
                return response["result"] as JsonObject ?? new JsonObject();
            }
            finally { _pending.TryRemove(id, out _); }
        }

        private async Task ReceiveLoopAsync()
        {
            var buffer = new byte[1 << 16];
            var message = new MemoryStream();
            try
            {
                while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
                {
                    var result = await _socket.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage) continue;
                    var node = JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length)) as JsonObject;
                    message.SetLength(0);
                    if (node is null) continue;
                    if (node["id"] is { } idNode)
                    {
                        if (_pending.TryGetValue(idNode.GetValue<int>(), out var tcs)) tcs.TrySetResult(node);
                    }
                    else if (node["method"]?.GetValue<string>() is { } method)
                    {
                        try { OnEvent?.Invoke(method, node["sessionId"]?.GetValue<string>(), node["params"] as JsonObject ?? new JsonObject()); }
                        catch (Exception) { /* a malformed event must not stop the connection */ }
                    }
                }
            }
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
            finally
            {
                foreach (var tcs in _pending.Values) tcs.TrySetException(new IOException("DevTools connection closed."));
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closeTimeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception) { /* the browser is killed next anyway */ }
            try { await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false); } catch (Exception) { }
            _socket.Dispose();
            _stop.Dispose();
            _sendLock.Dispose();
        }
    }
}
