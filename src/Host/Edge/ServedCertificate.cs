using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Edge;

/// <summary>
/// A certificate ready for handshakes: its chain context (the intermediates are sent with the leaf)
/// and one prepared <see cref="SslServerAuthenticationOptions"/> per ALPN offer, built once so a
/// handshake allocates no options. <see cref="Source"/> names where it came from (a file pair or ACME).
/// </summary>
public sealed class ServedCertificate
{
    private readonly SslServerAuthenticationOptions _http1;
    private readonly SslServerAuthenticationOptions _http2;
    private readonly SslServerAuthenticationOptions _both;

    public ServedCertificate(string source, ImmutableArray<string> hosts, PemCertificate pem, SslProtocols protocols)
    {
        Source = source;
        Hosts = hosts;
        Pem = pem;
        // Online only when the certificate names an OCSP responder: then .NET fetches and staples its
        // response. Without one (private CAs, tests, Let's Encrypt since 2025) nothing is fetched.
        var context = SslStreamCertificateContext.Create(pem.Leaf, pem.Intermediates, offline: !HasOcspResponder(pem.Leaf));
        _http1 = Options(context, protocols, [SslApplicationProtocol.Http11]);
        _http2 = Options(context, protocols, [SslApplicationProtocol.Http2]);
        _both = Options(context, protocols, [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]);
    }

    public string Source { get; }

    public ImmutableArray<string> Hosts { get; }

    public PemCertificate Pem { get; }

    public DateTimeOffset NotAfter => Pem.NotAfter;

    /// <summary>The prepared options for a listener offering HTTP/1.1, HTTP/2 or both (ALPN order: h2 first).</summary>
    public SslServerAuthenticationOptions OptionsFor(bool http1, bool http2) => http1 && http2 ? _both : http2 ? _http2 : _http1;

    private static SslServerAuthenticationOptions Options(SslStreamCertificateContext context, SslProtocols protocols, List<SslApplicationProtocol> alpn) => new()
    {
        ServerCertificateContext = context,
        EnabledSslProtocols = protocols,
        CipherSuitesPolicy = TlsPolicy.CipherSuites,
        ApplicationProtocols = alpn, // set here, so Kestrel does not write its own list into the shared options
        AllowRenegotiation = false,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    private static bool HasOcspResponder(X509Certificate2 leaf) =>
        leaf.Extensions.OfType<X509AuthorityInformationAccessExtension>().Any(a => a.EnumerateOcspUris().Any());
}
