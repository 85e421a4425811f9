using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Blink.Workbench.Performance;

/// <summary>
/// The PyTorch peer of the slice benchmark: <c>tools/reference/bench_peer.py</c> in serve mode, a child process that
/// builds the same LLaVA-7B-shaped slice in PyTorch (the LLaMA code of the independent reference) and times one
/// prefill per <c>prefill</c> line it reads, so its repeats interleave with the C# runs. It never throws for a
/// missing or broken Python: <see cref="TryStart"/> says why it is unavailable, and a peer that dies mid-run returns
/// NaN samples and keeps the reason in <see cref="Failure"/>.
/// </summary>
public sealed class PyTorchPeer : IDisposable
{
    public const string DefaultPython = "/usr/bin/python3";
    public const string ScriptPath = "tools/reference/bench_peer.py";
    public const string FixCommand = "bash eng/ensure-peer.sh";

    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private PyTorchPeer(Process process, StringBuilder stderr, JsonElement info)
    {
        _process = process;
        _stderr = stderr;
        Info = info;
    }

    /// <summary>What the peer reported when ready: torch version, BLAS in use, threads, layers, tokens.</summary>
    public JsonElement Info { get; }

    /// <summary>Why the peer stopped answering, or null while it works.</summary>
    public string? Failure { get; private set; }

    public string Describe() =>
        $"PyTorch {Str("torch")} ({Str("python")}), BLAS: {Str("blas")}{(Info.TryGetProperty("blas_library", out var l) && l.ValueKind == JsonValueKind.String ? $" ({l.GetString()})" : "")}, {Str("threads")} threads";

    private string Str(string key) => Info.TryGetProperty(key, out var v) ? v.ToString() : "?";

    /// <summary>Finds the peer script above the working directory or the application folder.</summary>
    public static string? FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ScriptPath);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>
    /// Starts the peer and waits until it has built the slice. Returns the peer, or null and the reason (with the fix)
    /// when Python, torch, OpenBLAS or the script is missing, or the peer failed to start.
    /// </summary>
    public static (PyTorchPeer? Peer, string? Unavailable) TryStart(string python, int layers, int threads, TimeSpan buildTimeout)
    {
        if (!File.Exists(python)) return (null, $"{python} not found; install Debian's python3-torch with OpenBLAS: {FixCommand}");
        var script = FindScript();
        if (script is null) return (null, $"{ScriptPath} not found above {Directory.GetCurrentDirectory()} (run blink bench from the repository)");
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in new[] { "-u", script, "--serve", "--layers", layers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, $"could not start {python}: {e.Message}; {FixCommand}");
        }
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        var line = ReadLine(process, buildTimeout);
        string? reason = null;
        JsonElement info = default;
        if (line is null) reason = $"the peer did not get ready within {buildTimeout.TotalSeconds:F0} s or exited (code {(process.HasExited ? process.ExitCode : -1)})";
        else
        {
            try
            {
                info = JsonDocument.Parse(line).RootElement.Clone();
                if (!info.TryGetProperty("ready", out var ready) || !ready.GetBoolean())
                    reason = info.TryGetProperty("error", out var err) ? err.GetString() : line;
            }
            catch (JsonException)
            {
                reason = $"unexpected output from the peer: {line}";
            }
        }
        if (reason is not null)
        {
            Stop(process);
            string tail;
            lock (stderr) tail = Tail(stderr.ToString());
            return (null, reason + (tail.Length > 0 ? $" (stderr: {tail})" : ""));
        }
        return (new PyTorchPeer(process, stderr, info), null);
    }

    /// <summary>A benchmark case: one prefill timed inside the peer (NaN once the peer has failed).</summary>
    public BenchCase PrefillCase(string name) => new(name, () => new RunSample(Command("prefill")));

    /// <summary>One decoder layer on the prompt, timed inside the peer.</summary>
    public double LayerMilliseconds() => Command("layer");

    private double Command(string command)
    {
        if (Failure is not null) return double.NaN;
        try
        {
            _process.StandardInput.WriteLine(command);
            _process.StandardInput.Flush();
            var line = ReadLine(_process, TimeSpan.FromMinutes(10));
            if (line is null) return Fail($"the peer exited or stopped answering (code {(_process.HasExited ? _process.ExitCode : -1)})");
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("ms", out var ms)) return ms.GetDouble();
            return Fail(doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() ?? line : line);
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
        {
            return Fail(e.Message);
        }
    }

    private double Fail(string reason)
    {
        string tail;
        lock (_stderr) tail = Tail(_stderr.ToString());
        Failure = reason + (tail.Length > 0 ? $" (stderr: {tail})" : "");
        return double.NaN;
    }

    private static string? ReadLine(Process process, TimeSpan timeout)
    {
        try
        {
            var task = process.StandardOutput.ReadLineAsync();
            return task.Wait(timeout) ? task.Result : null;
        }
        catch (AggregateException)
        {
            return null;
        }
    }

    private static string Tail(string text)
    {
        var t = text.Trim().ReplaceLineEndings(" | ");
        return t.Length <= 600 ? t : "…" + t[^600..];
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                try
                {
                    process.StandardInput.WriteLine("quit");
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // already gone
                }
                if (!process.WaitForExit(10_000)) process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        process.Dispose();
    }

    public void Dispose() => Stop(_process);
}
