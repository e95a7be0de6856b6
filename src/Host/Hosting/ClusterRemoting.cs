using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Remoting between nodes: TLS with the certificate every node shares (<c>cluster.tls</c>), mutual (each side
/// proves it holds the key), and pinned to that certificate's thumbprint instead of a CA chain, so a stranger
/// with another certificate, or with none, is refused in the handshake and never joins. No trust store is used.
/// </summary>
public static class ClusterRemoting
{
    /// <summary>The URI scheme of Akka's TLS transport (a seed written <c>akka.tcp://</c> would never reach a TLS node).</summary>
    public const string Scheme = "akka.ssl.tcp";

    public static string AkkaAddress(string system, ClusterAddress node) => $"{Scheme}://{system}@{node}";

    public static RemoteOptions Options(ClusterOptions cluster)
    {
        // Read exactly as the config reader checked it (ClusterReader), so a file that passed there loads here.
        var certificate = PemCertificate.Load(cluster.Certificate!, cluster.CertificateKey!).Leaf;
        return new RemoteOptions
        {
            HostName = cluster.Bind.Host,
            Port = cluster.Bind.Port,
            PublicHostName = cluster.PublicAddress.Host,
            PublicPort = cluster.PublicAddress.Port,
            MaxFrameSize = ClusterSettings.MaxFrameBytes,
            SendBufferSize = 2 * ClusterSettings.MaxFrameBytes,
            ReceiveBufferSize = 2 * ClusterSettings.MaxFrameBytes,
            EnableSsl = true, // without it Akka silently runs plain akka.tcp, certificate or not
            Ssl = new SslOptions
            {
                X509Certificate = certificate,
                RequireMutualAuthentication = true, // else the server never asks a connecting node for its certificate
                ValidateCertificateHostname = false, // nodes are reached by address; the pin is the identity
                CustomValidator = CertificateValidation.PinnedCertificate(certificate.Thumbprint),
            },
        };
    }
}
