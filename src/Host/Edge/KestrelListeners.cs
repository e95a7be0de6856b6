using System.Net;
using FlowBalance.Actors.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FlowBalance.Host.Edge;

/// <summary>
/// Binds each <c>listen</c> entry: cleartext HTTP/1.1, cleartext h2c (its own port: Kestrel cannot
/// tell the two apart on one), or HTTPS with HTTP/2 and HTTP/1.1 offered by ALPN and the certificate
/// chosen per SNI name by <see cref="CertificateStore"/>. HTTP/3 would be one more protocol flag here,
/// once the platform has libmsquic (this one does not).
/// </summary>
public static class KestrelListeners
{
    /// <param name="adminListen">admin.listen: bound last, its connections marked with <see cref="AdminListenerFeature"/>.</param>
    public static void Bind(KestrelServerOptions kestrel, IEnumerable<ListenEndpoint> endpoints, CertificateStore certificates, ListenEndpoint? adminListen = null)
    {
        foreach (var endpoint in adminListen is null ? endpoints : endpoints.Append(adminListen))
        {
            var admin = ReferenceEquals(endpoint, adminListen);
            Action<ListenOptions> configure = listen =>
            {
                if (admin) listen.Use(next => connection =>
                {
                    connection.Features.Set(AdminListenerFeature.Instance);
                    return next(connection);
                });
                listen.Protocols = Protocols(endpoint);
                if (!endpoint.Https) return;
                var http1 = listen.Protocols.HasFlag(HttpProtocols.Http1);
                var http2 = listen.Protocols.HasFlag(HttpProtocols.Http2);
                listen.UseHttps(CertificateStore.HandshakeOptions(certificates, http1, http2));
            };
            var host = endpoint.Host;
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) kestrel.ListenLocalhost(endpoint.Port, configure);
            else if (IPAddress.TryParse(host, out var address)) kestrel.Listen(address, endpoint.Port, configure);
            else kestrel.ListenAnyIP(endpoint.Port, configure); // "*", "+" or a name: every interface, as Kestrel reads such URLs
        }
    }

    public static HttpProtocols Protocols(ListenEndpoint endpoint) => endpoint.Protocols switch
    {
        ListenEndpoint.H2c or ListenEndpoint.H2 => HttpProtocols.Http2,
        ListenEndpoint.Http1 => HttpProtocols.Http1,
        _ => endpoint.Https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1,
    };
}
