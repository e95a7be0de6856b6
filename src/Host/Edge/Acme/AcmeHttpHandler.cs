using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

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
        if (caFile is null) return handler;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        if (roots.Count == 0) throw new InvalidDataException($"{caFile} holds no PEM certificate");
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
        {
            // The host name must still match; only the chain is judged against our roots instead of the system's.
            if (certificate is not X509Certificate2 leaf || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (presented is not null) chain.ChainPolicy.ExtraStore.AddRange(presented.ChainElements.Select(e => e.Certificate).ToArray());
            return chain.Build(leaf);
        };
        return handler;
    }
}
