using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Host.Steering;

/// <summary>
/// The client's address: the connection's peer, unless that peer is a trusted proxy; then the
/// nearest X-Forwarded-For hop (walking right to left) that is not itself trusted. Hops to the left
/// of it were written by the client and prove nothing, so they are never used.
/// </summary>
public static class ClientAddress
{
    public static IPAddress? Of(HttpContext context, ImmutableArray<IPNetwork> trustedProxies)
    {
        var peer = Normalize(context.Connection.RemoteIpAddress);
        if (peer is null || trustedProxies.IsEmpty || !IsTrusted(peer, trustedProxies)) return peer;
        var forwarded = context.Request.Headers["X-Forwarded-For"];
        var client = peer;
        for (var v = forwarded.Count - 1; v >= 0; v--)
        {
            var hops = (forwarded[v] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = hops.Length - 1; i >= 0; i--)
            {
                if (!IPAddress.TryParse(hops[i], out var hop)) return client; // garbage: stop at the last trustworthy hop
                client = Normalize(hop)!;
                if (!IsTrusted(client, trustedProxies)) return client;
            }
        }
        return client;
    }

    /// <summary>True when the connection's peer is in <c>trusted_proxies</c> (false at once when there are none).</summary>
    public static bool PeerIsTrusted(HttpContext context, ImmutableArray<IPNetwork> trustedProxies)
    {
        if (trustedProxies.IsDefaultOrEmpty) return false;
        var peer = Normalize(context.Connection.RemoteIpAddress);
        return peer is not null && IsTrusted(peer, trustedProxies);
    }

    private static bool IsTrusted(IPAddress address, ImmutableArray<IPNetwork> trusted)
    {
        foreach (var network in trusted)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    private static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
