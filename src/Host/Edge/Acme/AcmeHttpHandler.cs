using FlowBalance.Actors.Health;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>The handler an <see cref="AcmeClient"/> talks through: the system's trust store, or only the CA(s) in a <c>ca_file</c> (a private ACME server).</summary>
public static class AcmeHttpHandler
{
    public static SocketsHttpHandler Create(string? caFile)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // renewals are months apart: pick up DNS changes of the CA
        };
        // A private ACME server (step-ca, pebble): only its CA is trusted, the host name is still checked.
        if (caFile is not null) handler.SslOptions.RemoteCertificateValidationCallback = UpstreamTls.TrustOnly(UpstreamTls.LoadRoots(caFile));
        return handler;
    }
}
