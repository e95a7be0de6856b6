using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>The DER CSR for finalize: every host as a DNS SAN, the first as CN when it fits.</summary>
internal static class CertificateSigningRequest
{
    /// <summary>X.520 caps a CN at 64 characters; longer first names go in the SAN only (as Let's Encrypt does).</summary>
    private const int MaxCommonName = 64;

    public static byte[] Create(IReadOnlyList<string> hosts, ECDsa key)
    {
        var subject = new X500DistinguishedNameBuilder();
        if (hosts[0].Length <= MaxCommonName) subject.AddCommonName(hosts[0]);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts) san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }
}
