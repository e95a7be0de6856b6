using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FlowBalance.Host.Edge;

/// <summary>
/// The certificates HTTPS listeners serve, from every source (PEM files, ACME). Handshakes read
/// the published <see cref="CertificateTable"/> without a lock; sources replace their certificate
/// with <see cref="Set"/>, which rebuilds the table (rare: a reload, a renewal).
/// </summary>
public sealed class CertificateStore
{
    private readonly Lock _gate = new();
    private ImmutableList<ServedCertificate> _certificates = [];
    private string? _defaultHost;
    private volatile CertificateTable _table = CertificateTable.Empty;

    public CertificateTable Table => _table;

    public IReadOnlyList<ServedCertificate> All => _certificates;

    /// <summary>The handshake hook of every HTTPS listener: the certificate for the client's SNI name.</summary>
    public static TlsHandshakeCallbackOptions HandshakeOptions(CertificateStore store, bool http1, bool http2) => new()
    {
        OnConnection = context => ValueTask.FromResult(store.OptionsFor(context.ClientHelloInfo.ServerName, http1, http2)),
        HandshakeTimeout = TimeSpan.FromSeconds(10),
    };

    public SslServerAuthenticationOptions OptionsFor(string? serverName, bool http1, bool http2)
    {
        var certificate = _table.Find(serverName)
            // Kestrel logs an AuthenticationException at debug level and closes the connection: a bad name is the client's problem.
            ?? throw new AuthenticationException(serverName is null ? "no certificate for clients without SNI" : $"no certificate for '{serverName}'");
        return certificate.OptionsFor(http1, http2);
    }

    /// <summary>Sets which host's certificate answers unknown names and clients without SNI (tls.default).</summary>
    public void SetDefault(string? host)
    {
        lock (_gate)
        {
            _defaultHost = host;
            Publish();
        }
    }

    /// <summary>Adds or replaces the certificate of <paramref name="certificate"/>'s source; earlier sources win a shared name.</summary>
    public void Set(ServedCertificate certificate)
    {
        lock (_gate)
        {
            var index = _certificates.FindIndex(c => c.Source == certificate.Source);
            _certificates = index >= 0 ? _certificates.SetItem(index, certificate) : _certificates.Add(certificate);
            Publish();
        }
    }

    /// <summary>Keeps only the sources <paramref name="keep"/> accepts (a reload removed the others).</summary>
    public void RemoveWhere(Func<ServedCertificate, bool> remove)
    {
        lock (_gate)
        {
            _certificates = _certificates.RemoveAll(c => remove(c));
            Publish();
        }
    }

    /// <summary>Files before ACME: a name both cover is served from the operator's own file.</summary>
    private void Publish()
    {
        var ordered = _certificates.OrderBy(c => c.Source.StartsWith(AcmeSourcePrefix, StringComparison.Ordinal) ? 1 : 0).ToList();
        _table = new CertificateTable(ordered, _defaultHost, ordered);
    }

    public const string FileSourcePrefix = "file:", AcmeSourcePrefix = "acme:";
}
