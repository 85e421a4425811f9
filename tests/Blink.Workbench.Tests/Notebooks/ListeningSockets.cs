using System.Globalization;

namespace Blink.Workbench.Tests.Notebooks;

/// <summary>
/// TCP/UDP sockets in the listening state that a process tree holds, read from /proc (Linux): which local addresses
/// a kernel process listens on. Read from /proc rather than by running <c>ss</c>, so the check needs no tool.
/// </summary>
internal static class ListeningSockets
{
    public sealed record Listener(int Pid, string Protocol, string Address, int Port)
    {
        public bool IsLoopback => Address.StartsWith("127.", StringComparison.Ordinal) || Address == "::1" || Address.StartsWith("::ffff:127.", StringComparison.Ordinal);
        public override string ToString() => $"pid {Pid} {Protocol} {Address}:{Port}";
    }

    /// <summary>The listeners of <paramref name="rootPid"/> and all its descendants right now.</summary>
    public static IReadOnlyList<Listener> Of(int rootPid)
    {
        var pids = Tree(rootPid);
        var inodes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pid in pids)
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes[target[8..^1]] = pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        var result = new List<Listener>();
        foreach (var (file, protocol, v6) in new[] { ("tcp", "tcp", false), ("tcp6", "tcp", true), ("udp", "udp", false), ("udp6", "udp", true) })
        {
            string[] lines;
            try { lines = File.ReadAllLines("/proc/net/" + file); } catch (IOException) { continue; }
            foreach (var line in lines.Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10) continue;
                // TCP LISTEN is state 0A; an unconnected UDP socket bound to a port (07) receives from anyone.
                if (protocol == "tcp" ? f[3] != "0A" : f[3] != "07") continue;
                if (!inodes.TryGetValue(f[9], out var owner)) continue;
                var (address, port) = Parse(f[1], v6);
                result.Add(new Listener(owner, protocol, address, port));
            }
        }
        return result;
    }

    private static HashSet<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(rest[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        var tree = new HashSet<int> { root };
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
                if (tree.Contains(parent) && tree.Add(pid)) grew = true;
        }
        return tree;
    }

    private static (string Address, int Port) Parse(string field, bool v6)
    {
        var parts = field.Split(':');
        int port = int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var hex = parts[0];
        var bytes = Convert.FromHexString(hex);
        // /proc/net writes each 32-bit word in host (little-endian) order.
        for (int i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
        var ip = new System.Net.IPAddress(bytes);
        if (v6 && ip.IsIPv4MappedToIPv6) return ("::ffff:" + ip.MapToIPv4(), port);
        return (ip.ToString(), port);
    }
}
