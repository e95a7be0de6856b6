using System.Security.Cryptography;
using System.Text;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// Session-affinity cookie values: an HMAC of the service and backend id, so a cookie names a
/// backend without revealing its address, and a forged or stale value matches nothing.
/// </summary>
public static class AffinityTokens
{
    /// <summary>Used when <c>session_affinity.secret</c> is not set: sessions then last as long as the process.</summary>
    private static readonly byte[] ProcessSecret = RandomNumberGenerator.GetBytes(32);

    public static string For(string? secret, string service, string backendId)
    {
        var key = secret is null ? ProcessSecret : Encoding.UTF8.GetBytes(secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{service}\n{backendId}"));
        return Convert.ToBase64String(mac, 0, 15).Replace('+', '-').Replace('/', '_');
    }
}
