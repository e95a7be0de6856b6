using System.Collections.Frozen;

namespace FlowBalance.Host.Edge;

/// <summary>
/// The immutable SNI lookup the handshake reads: exact names, then wildcards (<c>*.example.com</c>
/// covers one label), then the default. Rebuilt whole when a certificate changes.
/// </summary>
public sealed class CertificateTable
{
    public static readonly CertificateTable Empty = new([], null, null);

    private readonly FrozenDictionary<string, ServedCertificate> _exact;
    private readonly FrozenDictionary<string, ServedCertificate> _wildcard; // key: ".example.com"
    private readonly ServedCertificate? _default;
    private readonly ServedCertificate? _noName;

    /// <param name="certificates">In priority order: the first certificate naming a host serves it.</param>
    /// <param name="defaultHost">tls.default: what unknown names and clients without SNI get; null = a handshake failure for unknown names.</param>
    /// <param name="all">Every certificate, for clients without SNI when there is no default.</param>
    public CertificateTable(IReadOnlyList<ServedCertificate> certificates, string? defaultHost, IReadOnlyList<ServedCertificate>? all)
    {
        var exact = new Dictionary<string, ServedCertificate>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, ServedCertificate>(StringComparer.OrdinalIgnoreCase);
        foreach (var certificate in certificates)
        {
            foreach (var host in certificate.Hosts)
            {
                if (host.StartsWith("*.", StringComparison.Ordinal)) wildcard.TryAdd(host[1..], certificate);
                else exact.TryAdd(host, certificate);
            }
        }
        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _wildcard = wildcard.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _default = defaultHost is null ? null : Lookup(defaultHost);
        _noName = _default ?? all?.FirstOrDefault();
        Count = certificates.Count;
    }

    public int Count { get; }

    /// <summary>The certificate for the client's SNI name (null or empty: the client sent none), or null: no certificate, the handshake fails.</summary>
    public ServedCertificate? Find(string? serverName) =>
        string.IsNullOrEmpty(serverName) ? _noName : Lookup(serverName) ?? _default;

    private ServedCertificate? Lookup(string name)
    {
        if (_exact.TryGetValue(name, out var exact)) return exact;
        var dot = name.IndexOf('.');
        return dot > 0 && _wildcard.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name.AsSpan(dot), out var wild) ? wild : null;
    }
}
