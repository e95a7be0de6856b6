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
            ssl.RemoteCertificateValidationCallback = TrustOnly(LoadRoots(CaFile));
        }
    }

    /// <summary>The CA certificates of a <c>ca_file</c> (PEM); a <see cref="CertificateFileException"/> says what is wrong with it.</summary>
    public static X509Certificate2Collection LoadRoots(string caFile)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CertificateFileException($"{caFile} is not a readable PEM CA file: {e.Message}");
        }
        return roots.Count > 0 ? roots : throw new CertificateFileException($"{caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    /// <summary>Trusts chains ending at one of <paramref name="roots"/> only (a private CA); the host name and dates are still checked.</summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2Collection roots) =>
        (_, certificate, chain, errors) => TrustedBy(roots, certificate, chain, errors);

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
