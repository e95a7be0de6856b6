using System.Net.Security;
using System.Security.Authentication;

namespace FlowBalance.Host.Edge;

/// <summary>
/// What every HTTPS handshake offers: TLS 1.2 and 1.3 only (or 1.3 only), and on Linux a cipher
/// list of forward-secret AEAD suites only (Mozilla's "intermediate" profile): no CBC, no RSA key
/// exchange, no SHA-1 MACs, which OpenSSL's defaults still allow for TLS 1.2.
/// </summary>
public static class TlsPolicy
{
    public static SslProtocols Protocols(string minVersion) => minVersion == "1.3" ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The suites, or null where the platform does not let us choose (the OS policy applies).</summary>
    public static CipherSuitesPolicy? CipherSuites { get; } = OperatingSystem.IsLinux() ? new CipherSuitesPolicy(
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]) : null;
}
