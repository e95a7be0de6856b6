using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace FlowBalance.Host.Tests.Support;

/// <summary>gRPC client channels for tests: h2c for http:// addresses, TLS trusting only a test root for https://.</summary>
public static class GrpcChannels
{
    public static GrpcChannel For(string address, X509Certificate2? trustedRoot = null)
    {
        var handler = trustedRoot is null ? new SocketsHttpHandler { UseProxy = false } : TestCertificates.TrustingHandler(trustedRoot);
        handler.EnableMultipleHttp2Connections = true; // Kestrel allows 100 streams per connection; more would queue
        handler.ConnectTimeout = TimeSpan.FromSeconds(5);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
