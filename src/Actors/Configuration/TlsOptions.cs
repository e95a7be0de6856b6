using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>tls { certificates, default, min_version, acme }</c>: the certificates HTTPS listeners serve,
/// chosen per SNI name (exact, then wildcard, then <see cref="Default"/>).
/// </summary>
public sealed record TlsOptions(ImmutableArray<CertificateFileOptions> Certificates, string? Default, string MinVersion, AcmeOptions? Acme)
{
    public static readonly string[] Versions = ["1.2", "1.3"];

    public static readonly TlsOptions None = new([], null, "1.2", null);

    public bool HasCertificates => !Certificates.IsEmpty || Acme is not null;
}

/// <summary>One PEM pair: <c>{ hosts, cert, key }</c>; <see cref="Hosts"/> default to the certificate's DNS names.</summary>
public sealed record CertificateFileOptions(ImmutableArray<string> Hosts, string CertPath, string KeyPath)
{
    /// <summary>Value equality (a record compares ImmutableArray by reference).</summary>
    public bool SameAs(CertificateFileOptions other) => CertPath == other.CertPath && KeyPath == other.KeyPath && Hosts.SequenceEqual(other.Hosts);
}

/// <summary>
/// <c>tls.acme</c>: certificates obtained and renewed over ACME (HTTP-01). Empty <see cref="Hosts"/>
/// with <see cref="FromServices"/> means every service hostname that is not a wildcard.
/// </summary>
public sealed record AcmeOptions(
    string? Email,
    Uri Directory,
    ImmutableArray<string> Hosts,
    bool FromServices,
    string Storage,
    string? CaFile,
    TimeSpan RenewBefore)
{
    public static readonly Uri LetsEncrypt = new("https://acme-v02.api.letsencrypt.org/directory");

    public static readonly TimeSpan DefaultRenewBefore = TimeSpan.FromDays(30);

    /// <summary>Value equality (a record compares ImmutableArray by reference).</summary>
    public static bool Same(AcmeOptions? a, AcmeOptions? b) => a is null || b is null
        ? a is null && b is null
        : (a with { Hosts = [] }) == (b with { Hosts = [] }) && a.Hosts.SequenceEqual(b.Hosts);

    /// <summary>The host names to hold a certificate for (one certificate per name).</summary>
    public IReadOnlyList<string> HostsFor(IEnumerable<ServiceDefinition> services) => FromServices
        ? [.. services.Select(s => s.Hostname).OfType<string>().Where(h => !h.StartsWith("*.", StringComparison.Ordinal) && h != "*").Distinct(StringComparer.OrdinalIgnoreCase)]
        : Hosts;
}
