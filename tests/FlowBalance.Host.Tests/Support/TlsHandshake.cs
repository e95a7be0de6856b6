using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// One TLS handshake as a client sees it: the certificate the server chose for an SNI name, the
/// certificates it sent along (the chain), the ALPN protocol and TLS version agreed.
/// </summary>
public sealed record TlsHandshake(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Sent, SslApplicationProtocol Alpn, SslProtocols Protocol)
{
    /// <param name="serverName">The SNI name; null sends none (as for an IP address).</param>
    public static async Task<TlsHandshake> WithAsync(int port, string? serverName, SslApplicationProtocol[]? alpn = null, SslProtocols protocols = SslProtocols.None)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(tcp.GetStream());
        List<X509Certificate2> sent = [];
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? "",
            ApplicationProtocols = [.. alpn ?? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]],
            EnabledSslProtocols = protocols,
            // Accept anything: the test asserts on what was presented.
            RemoteCertificateValidationCallback = (_, _, chain, _) =>
            {
                if (chain is not null) sent = [.. chain.ChainPolicy.ExtraStore];
                return true;
            },
        });
        var certificate = X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
        return new TlsHandshake(certificate, sent, ssl.NegotiatedApplicationProtocol, ssl.SslProtocol);
    }

    public string Subject => Certificate.Subject;
}
