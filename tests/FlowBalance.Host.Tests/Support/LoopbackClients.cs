using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// HTTP clients that ask for any host name (its SNI and Host header) but always connect to
/// 127.0.0.1:<c>port</c>, as if DNS pointed the name at the balancer.
/// </summary>
public static class LoopbackClients
{
    /// <param name="root">The CA to trust for HTTPS; the name is still checked.</param>
    /// <param name="onConnect">Called for each new TCP connection (to count them).</param>
    public static HttpClient Create(int port, X509Certificate2? root = null, Version? version = null, Action? onConnect = null, HttpVersionPolicy policy = HttpVersionPolicy.RequestVersionOrLower)
    {
        var handler = root is null ? new SocketsHttpHandler { UseProxy = false } : TestCertificates.TrustingHandler(root);
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            onConnect?.Invoke();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        };
        return new HttpClient(handler)
        {
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = policy,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }
}
