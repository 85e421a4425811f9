using System.Net;
using System.Net.Sockets;

namespace Blink.Workbench.Tests.Notebooks;

/// <summary>The socket check the notebook tests rely on sees a listener, and tells loopback from every interface.</summary>
public sealed class ListeningSocketsTests
{
    [Fact]
    public void A_listener_of_this_process_is_seen_with_its_address()
    {
        var any = new TcpListener(IPAddress.Any, 0);
        var loopback = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        loopback.Start();
        try
        {
            int anyPort = ((IPEndPoint)any.LocalEndpoint).Port, loopbackPort = ((IPEndPoint)loopback.LocalEndpoint).Port;
            var seen = ListeningSockets.Of(Environment.ProcessId);
            var a = Assert.Single(seen, l => l.Port == anyPort);
            Assert.Equal("0.0.0.0", a.Address);
            Assert.False(a.IsLoopback);
            var b = Assert.Single(seen, l => l.Port == loopbackPort);
            Assert.Equal("127.0.0.1", b.Address);
            Assert.True(b.IsLoopback);
        }
        finally
        {
            any.Stop();
            loopback.Stop();
        }
        Assert.DoesNotContain(ListeningSockets.Of(Environment.ProcessId), l => l.Port == ((IPEndPoint)any.LocalEndpoint).Port);
    }
}
