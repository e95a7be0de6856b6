using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Health;

/// <summary>
/// The TLS side of talking to https:// backends, shared by the forwarder and the health probes:
/// verification against the system store (default), a private CA (<c>ca_file</c>, the host name is
/// still checked), none (<c>tls_verify = false</c>), an SNI override, a client certificate for mTLS.
/// A value type so clients with equal settings share one connection pool.
/// </summary>
public readonly record struct UpstreamTls(bool Verify, string? CaFile, string? Sni, string? ClientCert, string? ClientKey)
{
    public static UpstreamTls Of(UpstreamOptions options) => new(options.TlsVerify, options.CaFile, options.Sni, options.ClientCert, options.ClientKey);

    public bool IsDefault => Verify && CaFile is null && Sni is null && ClientCert is null;

    public void Apply(SslClientAuthenticationOptions ssl)
    {
        if (Sni is not null) ssl.TargetHost = Sni;
        if (ClientCert is not null && ClientKey is not null)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(ClientCert, ClientKey)];
        }
        if (!Verify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (CaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(CaFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => TrustedBy(roots, certificate, chain, errors);
        }
    }

    /// <summary>The chain ends at one of <paramref name="roots"/>; every other check (name, dates) as usual.</summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
