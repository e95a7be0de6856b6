using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// A certificate read from PEM files: the leaf with its private key, the intermediates that follow it
/// in the certificate file, and the DNS names it covers. Read the same way by config validation,
/// startup and the file watcher, so a file that passes one passes all.
/// </summary>
public sealed record PemCertificate(X509Certificate2 Leaf, X509Certificate2Collection Intermediates, ImmutableArray<string> DnsNames)
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    public DateTimeOffset NotAfter => new(Leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>Reads <paramref name="certPath"/> (leaf first, then intermediates) and <paramref name="keyPath"/>;
    /// a <see cref="CertificateFileException"/> says what is wrong in words an operator can act on.</summary>
    public static PemCertificate Load(string certPath, string keyPath)
    {
        if (!File.Exists(certPath)) throw new CertificateFileException($"certificate file not found: {certPath}");
        if (!File.Exists(keyPath)) throw new CertificateFileException($"key file not found: {keyPath}", aboutKey: true);
        var certText = Read(certPath);
        var keyText = Read(keyPath, aboutKey: true);
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPem(certText);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"{certPath} is not a PEM certificate: {e.Message}");
        }
        if (all.Count == 0) throw new CertificateFileException($"{certPath} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certText, keyText);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"{keyPath} is not a PEM private key for {certPath}: {e.Message}", aboutKey: true);
        }
        catch (ArgumentException)
        {
            throw new CertificateFileException($"the key in {keyPath} does not match the certificate in {certPath}", aboutKey: true);
        }
        if (leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage
            && !usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ServerAuth))
        {
            throw new CertificateFileException($"{certPath} is not a server certificate (its extended key usage lacks serverAuth)");
        }
        return From(leaf, new X509Certificate2Collection(all.Skip(1).ToArray()));
    }

    /// <summary>A certificate obtained another way (ACME), with the DNS names read from the leaf.</summary>
    public static PemCertificate From(X509Certificate2 leaf, X509Certificate2Collection intermediates) =>
        new(leaf, intermediates, leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault()?.EnumerateDnsNames().ToImmutableArray() ?? []);

    /// <summary>True when a DNS name of the certificate covers <paramref name="host"/> (a wildcard covers one label).</summary>
    public bool Covers(string host) => DnsNames.Any(name => Matches(name, host));

    public static bool Matches(string name, string host)
    {
        if (name.Equals(host, StringComparison.OrdinalIgnoreCase)) return true;
        if (!name.StartsWith("*.", StringComparison.Ordinal)) return false;
        var dot = host.IndexOf('.');
        return dot > 0 && host.AsSpan(dot).Equals(name.AsSpan(1), StringComparison.OrdinalIgnoreCase);
    }

    private static string Read(string path, bool aboutKey = false)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateFileException($"cannot read {path}: {e.Message}", aboutKey);
        }
    }
}
