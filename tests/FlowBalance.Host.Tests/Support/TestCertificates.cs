using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// Throwaway certificates made in memory: a CA and leaves it signs (P-256, SANs), their PEM forms,
/// and a client handler that trusts only a given root. Ephemeral keys work for SslStream on Linux.
/// </summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateCa(string commonName = "FlowBalance test CA", int days = 30)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Backdated a little so a clock a few seconds apart never makes it "not yet valid".
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(days));
    }

    /// <summary>An intermediate CA signed by <paramref name="root"/>, as public CAs issue from.</summary>
    public static X509Certificate2 CreateIntermediate(X509Certificate2 root, string commonName = "FlowBalance test intermediate")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(20), serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Writes <paramref name="leaf"/> (followed by <paramref name="chain"/>) and its key as PEM files in
    /// <paramref name="directory"/>, the way certbot renews: the key first, then the certificate renamed into place.
    /// </summary>
    public static (string Cert, string Key) WritePem(string directory, string name, X509Certificate2 leaf, params X509Certificate2[] chain)
    {
        var cert = System.IO.Path.Combine(directory, name + ".crt");
        var key = System.IO.Path.Combine(directory, name + ".key");
        File.WriteAllText(key + ".tmp", PrivateKeyPem(leaf));
        File.Move(key + ".tmp", key, overwrite: true);
        File.WriteAllText(cert + ".tmp", string.Concat(new[] { leaf }.Concat(chain).Select(c => c.ExportCertificatePem() + "\n")));
        File.Move(cert + ".tmp", cert, overwrite: true);
        return (cert, key);
    }

    /// <summary>A server certificate for <paramref name="names"/> (DNS names or IP literals; the first is the CN).</summary>
    public static X509Certificate2 CreateLeaf(X509Certificate2 ca, params string[] names) => CreateLeaf(ca, null, names);

    /// <summary>A server certificate whose subject also carries O=<paramref name="organization"/> (to tell versions apart).</summary>
    public static X509Certificate2 CreateLeaf(X509Certificate2 ca, string? organization, params string[] names)
    {
        if (names.Length == 0) names = ["localhost", "127.0.0.1"];
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}{(organization is null ? "" : $", O={organization}")}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7), serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>A client certificate (clientAuth) for mTLS, signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 CreateClient(X509Certificate2 ca, string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)); // clientAuth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7), serial);
        return signed.CopyWithPrivateKey(key);
    }

    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    public static string PrivateKeyPem(X509Certificate2 certificate) =>
        certificate.GetECDsaPrivateKey()?.ExportPkcs8PrivateKeyPem() ?? throw new InvalidOperationException("no ECDSA private key");

    /// <summary>A handler that accepts server certificates chaining to <paramref name="root"/> only, still checking the name.</summary>
    public static SocketsHttpHandler TrustingHandler(X509Certificate2 root)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            if (presented is not null) chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore); // the intermediates the server sent
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // no network: no CRL/OCSP fetch
            return chain.Build((X509Certificate2)certificate);
        };
        return handler;
    }
}
