using Blink.Workbench.Performance;

namespace Blink.Workbench.Tests.Performance;

public sealed class PyTorchPeerTests
{
    [Fact]
    public void AMissingInterpreter_MakesThePeerUnavailable_WithTheFix_NeverAnException()
    {
        var (peer, reason) = PyTorchPeer.TryStart("/nonexistent/python3", 1, 1, TimeSpan.FromSeconds(5));
        Assert.Null(peer);
        Assert.Contains("/nonexistent/python3 not found", reason);
        Assert.Contains("bash eng/ensure-peer.sh", reason);
    }

    [Fact]
    public void ThePeerScript_IsFoundFromTheTestFolder()
    {
        var script = PyTorchPeer.FindScript();
        Assert.NotNull(script);
        Assert.EndsWith(Path.Combine("tools", "reference", "bench_peer.py"), script);
    }
}
