using System.Net;
using System.Net.Sockets;

namespace FlowBalance.Host.Tests.Support;

public static class Ports
{
    /// <summary>A loopback port that was free a moment ago: connecting to it is refused (a dead backend).</summary>
    public static int Refusing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
