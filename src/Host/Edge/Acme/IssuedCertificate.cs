using System.Security.Cryptography.X509Certificates;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>A certificate for <see cref="Hosts"/>: the leaf with its private key, and the intermediates to send with it.</summary>
public sealed record IssuedCertificate(IReadOnlyList<string> Hosts, X509Certificate2 Leaf, X509Certificate2Collection Intermediates)
{
    public DateTimeOffset NotBefore => new(Leaf.NotBefore.ToUniversalTime());

    public DateTimeOffset NotAfter => new(Leaf.NotAfter.ToUniversalTime());

    /// <summary>Whether the leaf's subject alternative names include every one of <paramref name="hosts"/> (case-insensitive).</summary>
    public bool Covers(IEnumerable<string> hosts)
    {
        var names = Leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return hosts.All(names.Contains);
    }
}
